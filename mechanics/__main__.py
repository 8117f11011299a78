"""`python -m mechanics --seed 3`: the story of one seed, told in the engine's numbers."""

from __future__ import annotations

import argparse
import sys

from .formatting import percent
from .lesson import Lesson, lesson


def story(lesson_: Lesson) -> str:
    """A plain-text account of every section's key numbers."""
    first, last = lesson_.trace[0], lesson_.trace[-1]
    target = lesson_.target_index
    guess = lesson_.candidates[lesson_.first_guess]
    wiggle, landscape, run = lesson_.wiggle, lesson_.landscape, lesson_.second_run
    named = zip(lesson_.candidates, first.probabilities, strict=True)
    lines = [
        f"seed {lesson_.seed}  (network drawn {lesson_.draws} time(s) until the story held)",
        "",
        "1. Forward pass",
        "   inputs  "
        + "  ".join(f"{t}={v:+.2f}" for t, v in zip(lesson_.tokens, lesson_.inputs, strict=True)),
        "   p       " + "  ".join(f"{word}={percent(p)}" for word, p in named),
        f"   first guess: {guess}; p({lesson_.target}) = {percent(first.probabilities[target])}",
        "",
        "2. Loss",
        f"   -log p({lesson_.target}) = -log({first.probabilities[target]:.4f}) = {first.loss:.4f}",
        "",
        "3. Wiggle",
        f"   weight {wiggle.name}{list(wiggle.index)} starts at {wiggle.start:+.2f} "
        f"(loss {wiggle.at(wiggle.start)[0]:.4f}, slope {wiggle.at(wiggle.start)[1]:+.4f})",
        f"   valley at w = {wiggle.valley:+.4f} (loss {wiggle.valley_loss:.4f}); "
        f"swept {wiggle.ws[0]:+.2f} .. {wiggle.ws[-1]:+.2f} in {len(wiggle.ws)} samples",
        "",
        f"4. Loop ({len(lesson_.trace) - 1} steps, learning rate {lesson_.learning_rate})",
    ]
    for step in lesson_.trace:
        lines.append(
            f"   step {step.index:2d}  loss {step.loss:.4f}  "
            f"{lesson_.target} {percent(step.probabilities[target])}"
        )
    lines += [
        f"   final p({lesson_.target}) = {percent(last.probabilities[target])}",
        "",
        "5. Landscape",
        f"   sheet {len(landscape.distances)} x {len(landscape.offsets)} along the path and "
        f"across it (curvature {landscape.curvature:.4f})",
        f"   floor {landscape.floor:.4f} at the path's end; walls "
        f"{landscape.walls[0]:.4f} and {landscape.walls[1]:.4f} "
        f"(lower wall {landscape.wall_rise:.4f} above the floor)",
        f"   second run: {run.train_count} training sentences, {run.held_out_count} held out, "
        f"{len(run.train_losses) - 1} steps",
        f"   training loss {run.train_losses[0]:.4f} -> {run.train_losses[-1]:.4f}; "
        f"held-out loss {run.held_out_losses[0]:.4f} -> {run.held_out_losses[-1]:.4f}",
        f"   held out answered right: {run.held_out_right[0]} before, "
        f"{run.held_out_right[-1]} after",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mechanics", description="Print the story of one seed in numbers."
    )
    parser.add_argument("--seed", default="0", help="an integer in [0, 2**32), default 0")
    args = parser.parse_args(argv)
    try:
        seed = int(args.seed)
        result = lesson(seed)
    except ValueError:
        print(f"error: --seed must be an integer in [0, 2**32), got {args.seed!r}", file=sys.stderr)
        return 2
    print(story(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
