"""How long lesson(seed) takes: the engine's whole cost for one film, printed, not asserted.

.venv/bin/python benchmarks/lesson_speed.py [--seeds 50]
"""

from __future__ import annotations

import argparse
import statistics
import time

from mechanics import lesson


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50, help="time seeds 0..N-1 (default 50)")
    args = parser.parse_args()
    timings, draws = [], []
    for seed in range(args.seeds):
        started = time.perf_counter()
        result = lesson(seed)
        timings.append(time.perf_counter() - started)
        draws.append(result.draws)
    slowest = max(range(args.seeds), key=timings.__getitem__)
    print(f"lesson(seed) over seeds 0..{args.seeds - 1}:")
    print(f"  median {1000 * statistics.median(timings):7.1f} ms")
    print(f"  mean   {1000 * statistics.mean(timings):7.1f} ms")
    print(
        f"  max    {1000 * timings[slowest]:7.1f} ms "
        f"(seed {slowest}, {draws[slowest]} networks drawn)"
    )


if __name__ == "__main__":
    main()
