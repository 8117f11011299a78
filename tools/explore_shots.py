"""Pictures of explore.html to look at: every section after a student's interactions, at a
laptop's size (1280x800) and a phone's (390x844), and a contact sheet of one training step
in motion (a frame every ~0.25 s), in Debian's Chromium.

    .venv/bin/python tools/explore_shots.py renders/seed-0/1080p/explore.html shots/
    .venv/bin/python tools/explore_shots.py --seed 7 shots/     # the page for a seed, no film

The tests check the numbers and the layout; this is for the eye (issue 30's review).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SIZES = {"laptop": (1280, 800), "phone": (390, 844)}
SECTIONS = ("forward-pass", "loss", "wiggle", "loop", "generalization")
CHROMIUM = "/usr/bin/chromium"


def slide(page: Page, selector: str, share: float) -> None:
    """Put a slider at a share of its range, as the keyboard's Home and arrows would."""
    top = int(page.get_attribute(selector, "max"))
    page.fill(selector, str(round(share * top)))
    page.dispatch_event(selector, "input")


def interact(page: Page) -> None:
    """What a student does on each section before the pictures are taken."""
    page.click("#run-forward")
    slide(page, "#confidence", 0.3)
    slide(page, "#weight", 0.7)
    for _ in range(6):
        page.click("#step")
    slide(page, "#snapshot", 0.4)
    page.focus("#net-1 [data-node='mixer-1']")


def sections(page: Page, out: Path, size: str) -> None:
    for section in SECTIONS:
        page.locator(f"#{section}").screenshot(path=out / f"{size}-{section}.png")


def step_in_motion(page: Page, out: Path) -> None:
    """Screenshots of the loop while one step plays, on a contact sheet with their times."""
    page.locator("#loop").scroll_into_view_if_needed()
    frames, start = [], time.perf_counter()
    page.click("#step")
    while time.perf_counter() - start < 4.0:
        picture = Image.open(io.BytesIO(page.locator("#loop").screenshot()))
        frames.append((time.perf_counter() - start, picture))
    width, height = (round(side * 0.45) for side in frames[0][1].size)
    columns = 4
    rows = -(-len(frames) // columns)
    sheet = Image.new("RGB", (columns * width, rows * (height + 16)), "white")
    draw = ImageDraw.Draw(sheet)
    for k, (seconds, picture) in enumerate(frames):
        x, y = (k % columns) * width, (k // columns) * (height + 16)
        sheet.paste(picture.resize((width, height)), (x, y + 16))
        draw.text((x + 4, y + 2), f"{seconds:.2f} s", fill="black")
    sheet.save(out / "laptop-loop-step-in-motion.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", nargs="?", type=Path, help="an explore.html (or use --seed)")
    parser.add_argument("out", type=Path, help="the folder for the pictures")
    parser.add_argument("--seed", type=int, help="write the page for this seed first")
    args = parser.parse_args(argv)
    if (args.page is None) == (args.seed is None):
        parser.error("give an explore.html or --seed, one of them")
    page_path = args.page
    if args.seed is not None:
        from mechanics import lesson
        from publishing.explore import write_explore

        page_path = write_explore(Path(tempfile.mkdtemp()), lesson(args.seed), {})
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--disable-gpu"])
        for size, (width, height) in SIZES.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, reduced_motion="reduce"
            )
            page = context.new_page()
            page.goto(page_path.resolve().as_uri())
            interact(page)
            sections(page, args.out, size)
            context.close()
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(page_path.resolve().as_uri())
        step_in_motion(page, args.out)
        browser.close()
    print(f"pictures of {page_path} in {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
