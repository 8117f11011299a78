"""The command line: python -m publishing.choreography FOLDER [--picture F] [--json F]
[--strict]; prints the report, draws the timeline, writes the figures."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from publishing.choreography.lecture import BadInput
from publishing.choreography.measure import choreography
from publishing.choreography.plot import PICTURE, draw_timeline
from publishing.choreography.report import format_report


def plain_json(value):
    """numpy's scalars as JSON numbers."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON")


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m publishing.choreography",
        description="How a lecture's voice and picture move together: voice over still "
        "pictures, silences, pace, captions and spoken numbers, against the storyboard's "
        "targets.",
    )
    parser.add_argument("folder", type=Path, help="a lecture folder, e.g. renders/seed-0/1080p/")
    parser.add_argument(
        "--picture",
        type=Path,
        help=f"where to draw the timeline (PNG); default {PICTURE} in the folder",
    )
    parser.add_argument("--json", type=Path, help="write every figure and list here as JSON")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a target fails (default: always 0)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    from publishing.files import whole_or_absent

    arguments = parse_arguments(argv)
    try:
        report, sound = choreography(arguments.folder)
    except BadInput as error:
        print(f"choreography: {error}", file=sys.stderr)
        return 2
    print(format_report(report))
    picture = arguments.picture or arguments.folder / PICTURE
    try:
        with whole_or_absent(picture) as partial:
            draw_timeline(report, sound, partial)
        print(f"timeline: {picture}")
        if arguments.json:
            with whole_or_absent(arguments.json) as partial:
                text = json.dumps(report, indent=1, ensure_ascii=False, default=plain_json)
                partial.write_text(text + "\n")
            print(f"figures: {arguments.json}")
    except OSError as error:
        print(
            f"choreography: cannot write ({error}): choose another --picture or --json path",
            file=sys.stderr,
        )
        return 2
    failed = any(t["status"] == "FAIL" for t in report["targets"])
    return 1 if arguments.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
