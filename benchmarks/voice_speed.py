"""What a voice costs: the narrated lecture rendered cold with each synthetic voice, in one
run on this machine; prints a table and writes it as JSON.

    .venv/bin/python benchmarks/voice_speed.py [--seed 11] [--quality 1080p] [--jobs 2]
        [--voices none piper kokoro] [--json FILE] [--out DIR]

For each voice, in turn: a fresh folder and a fresh cache of speech, then the whole lecture
(wall seconds, video seconds, their ratio), then the same command again, warm (the speech
cached, nothing rendered: the cost a second render pays). The floor is the silent film
(--voice none), rendered cold in the same run: what the picture alone costs. The default
voice rule of issue 29: Kokoro is the default if its cold lecture takes at most 1.5 times
Piper's. About 25 minutes at 1080p60 on two cores. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.render_speed import fresh_speech_cache, machine, run_render  # noqa: E402

DEFAULT_RULE = 1.5  # Kokoro is the default voice if its cold lecture takes at most this x Piper's


def measure(voice: str, seed: int, quality: str, jobs: int, work: Path) -> dict:
    """The voice's lecture cold (fresh folder and speech cache), then warm."""
    out = work / voice.replace(":", "-")
    fresh_speech_cache(work / f"speech-{voice.replace(':', '-')}")
    cold = run_render(out, seed, quality, jobs, extra=("--voice", voice))
    warm = run_render(out, seed, quality, jobs, extra=("--voice", voice))
    return {"voice": voice, "cold": cold, "warm": warm}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--quality", default="1080p")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--voices", nargs="+", default=["none", "piper", "kokoro"])
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "voice_speed.json")
    parser.add_argument("--out", type=Path, help="keep the lectures here (default: thrown away)")
    args = parser.parse_args(argv)
    figures = {"machine": machine(), "seed": args.seed, "quality": args.quality, "voices": []}
    print(figures["machine"])
    print(f"{'voice':18} {'video':>8} {'cold':>8} {'ratio':>6} {'warm':>7}")
    with tempfile.TemporaryDirectory(prefix="voice-speed-") as scratch:
        for voice in args.voices:
            row = measure(voice, args.seed, args.quality, args.jobs, args.out or Path(scratch))
            for run in ("cold", "warm"):
                row[run].pop("folder")
            figures["voices"].append(row)
            args.json.write_text(json.dumps(figures, indent=2) + "\n")
            cold, warm = row["cold"], row["warm"]
            print(
                f"{voice:18} {cold['video_seconds']:7.1f}s {cold['wall_seconds']:7.1f}s "
                f"{cold['ratio']:6.2f} {warm['wall_seconds']:6.1f}s",
                flush=True,
            )
    cold = {row["voice"]: row["cold"]["wall_seconds"] for row in figures["voices"]}
    if "piper" in cold and "kokoro" in cold:
        times = cold["kokoro"] / cold["piper"]
        figures["kokoro_over_piper"] = times
        verdict = "default" if times <= DEFAULT_RULE else "not the default"
        print(f"Kokoro cold / Piper cold = {times:.2f} (rule: <= {DEFAULT_RULE}): Kokoro {verdict}")
    if "none" in cold:
        for voice, seconds in cold.items():
            print(f"{voice}: {seconds / cold['none']:.2f} x the silent film's cold render")
    args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
