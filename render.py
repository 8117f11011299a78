"""Render The Mechanics of Learning: a finished lecture folder for each seed, at a quality.

    python render.py --seed 0 --quality 1080p
    python render.py --seed 3 7 --quality preview --jobs 2
    python render.py --sections 1 loss --stills
    python render.py --seed 7 --script              # the narration script, to record
    python render.py --seed 7 --voice takes/        # the film timed to those recordings
    python render.py --voices                       # every voice, installed or not, licences
    python render.py --seed 7 --audition            # each voice saying a line of seed 7

Each section is rendered by Manim in its own process (several at once, `--jobs`) and lands
as <out>/seed-<N>/<quality>/<NN>-<name>.mp4 with its .srt. When every section of the film
is there, the folder also gets the full lecture (joined without re-encoding), its captions,
YouTube chapters, a thumbnail, presenter.html, explore.html (the seed's machine to play
with, offline) and a manifest. The film speaks with Kokoro-82M's voice (or
Piper's, `--voice piper`), or a lecturer's recordings (`--voice FOLDER`), or not at all
(`--voice none`). A re-run
reuses every section whose inputs did not change, so an interrupted run resumes where it
stopped.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from common import scratch
from mechanics import check_seed
from publishing import audition as auditions
from publishing import cluster, cluster_access, orchestrator, reuse, webfont
from publishing import lecture as lectures
from publishing import roster as rosters
from publishing import script as scripts
from publishing.certificates import CERTIFICATES_VARIABLE, certificates_folder
from publishing.cluster import SCHEDULER_VARIABLE, ClusterError, scheduler_address
from publishing.film import QUALITIES, SECTIONS, Quality, Section
from publishing.job import Job, Outcome, RenderError
from publishing.manifest import versions
from publishing.progress import Progress, view_for
from publishing.usage import OneLineParser, UsageError
from publishing.worksheet import COURSE_ANSWERS, write_course_answers
from scenes.contract import BURNED, FILE
from voices.base import Voice
from voices.recorded import Recordings
from voices.registry import KOKORO, NAMED_VOICES, PIPER, SILENT, roster, voice_named

__all__ = ["QUALITIES", "SECTIONS", "Quality", "Section", "main"]


DEFAULT_VOICE = KOKORO  # its cold 1080p lecture took 1.23 x Piper's (benchmarks/voice_speed.py)


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


PROG = "render.py"  # as the person typed it; the console command passes its own


def parse_args(
    argv: list[str] | None,
    qualities: Mapping[str, Quality],
    sections: Sequence[Section] = SECTIONS,
    prog: str = PROG,
) -> argparse.Namespace:
    parser = OneLineParser(
        prog=prog,
        description="Render The Mechanics of Learning for one or more seeds at a quality.",
        epilog="Sections: "
        + ", ".join(f"{s.number} ({s.slug})" for s in sections)
        + ". Files land in OUT/seed-N/QUALITY/; see the README for what each is for.",
    )
    parser.add_argument(
        "--seed",
        nargs="+",
        metavar="N",
        help="seeds in [0, 2**32), one lecture each: integers, ranges and lists, e.g. "
        "7, 0-299, 3,7,11-20; default 0",
    )
    parser.add_argument(
        "--roster",
        metavar="CSV",
        help="a lecture per student: a CSV with columns id,name; each student gets a seed, "
        f"kept in OUT/{rosters.STUDENTS} so it never changes (instead of --seed)",
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
        default=DEFAULT_VOICE,
        help=f"who speaks the narration: {KOKORO} (the default, Kokoro-82M's natural voice, "
        f"offline; {KOKORO}:NAME for another of its voices, see --voices), {PIPER} (Piper, "
        "faster to synthesize), "
        f"{SILENT} (a silent film), or a folder of recordings named by line id (see --script)",
    )
    parser.add_argument(
        "--captions",
        choices=[BURNED, FILE],
        help=f"{BURNED}: drawn into the picture; {FILE}: only in the .srt files. Default: "
        f"{FILE} when the film speaks, {BURNED} when it is silent",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="render on a Dask cluster: its scheduler's address, e.g. tls://10.0.0.5:8786 "
        f"(or set ${SCHEDULER_VARIABLE}); --out must then be a folder every worker reaches "
        "(see the README). Default: this machine alone, --jobs at a time",
    )
    parser.add_argument(
        "--certificates",
        metavar="DIR",
        help="for a tls:// --scheduler: the course's certificates (made by `python -m "
        f"publishing.certificates`); default ${CERTIFICATES_VARIABLE}, or else certificates/ "
        "in the project folder",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="allow a plain tcp:// --scheduler on another machine (unencrypted, and open to "
        "anyone who reaches it): only on a network you trust",
    )
    parser.add_argument(
        "--script",
        action="store_true",
        help="write each seed's narration script (line ids and words) and render nothing",
    )
    parser.add_argument(
        "--voices",
        action="store_true",
        help="list every voice for --voice: installed or what is missing, and its licences",
    )
    parser.add_argument(
        "--audition",
        nargs="*",
        metavar="VOICE",
        help="render nothing; write each VOICE (default: every installed voice) saying the "
        f"same line of each seed's lecture, one with its numbers, into OUT/seed-N/"
        f"{auditions.AUDITION}/, with an index.html to listen to them",
    )
    return parser.parse_args(argv)


SEED_TERM = re.compile(r"(\d+)(?:-(\d+))?")
MOST_SEEDS = 100_000  # more lectures than any course has students: surely a typing slip


def parse_seeds(texts: list[str]) -> list[int]:
    """Seeds as typed: integers, inclusive ranges (0-299) and comma-separated lists of either
    (3,7,11-20), in the order given, each once."""
    seeds: dict[int, None] = {}
    for text in texts:
        for term in text.split(","):
            match = SEED_TERM.fullmatch(term.strip())
            if not match:
                raise UsageError(
                    "--seed takes integers in [0, 2**32), ranges like 0-299 and lists like "
                    f"3,7,11; got {text!r}"
                )
            low = int(match[1])
            high = int(match[2]) if match[2] is not None else low
            for bound in (low, high):
                try:
                    check_seed(bound)
                except ValueError:
                    raise UsageError(
                        f"--seed must be an integer in [0, 2**32), got {text!r}"
                    ) from None
            if high < low:
                raise UsageError(
                    f"--seed range {term.strip()!r} runs backwards; write {high}-{low}"
                )
            if high - low + 1 + len(seeds) > MOST_SEEDS:
                raise UsageError(
                    f"--seed asks for more than {MOST_SEEDS:,} lectures; fewer, please"
                )
            seeds.update(dict.fromkeys(range(low, high + 1)))
    return list(seeds)


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
    return str(voice.folder.resolve()) if isinstance(voice, Recordings) else name


def parse_audition(names: list[str] | None) -> tuple[str, ...] | None:
    """The voices to audition, each once: named voices that speak; empty for every one."""
    if names is None:
        return None
    for name in names:
        if name not in NAMED_VOICES:
            raise UsageError(
                f"--audition takes voices by name, e.g. {PIPER} {KOKORO}:af_heart (render.py "
                f"--voices lists them); {name!r} is not one"
            )
        if not voice_named(name).speaks:
            raise UsageError(f"--audition: {name} is a silent film, with nothing to hear")
    return tuple(dict.fromkeys(names))


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
    problem = voice_named(voice).missing() if voice in NAMED_VOICES else None
    if problem:
        raise UsageError(
            f"the film's voice is missing ({voice} cannot speak: {problem}); run `make setup`, "
            "or choose another (render.py --voices lists them), or --voice none"
        )
    try:
        import cairo  # noqa: F401
        import manimpango  # noqa: F401
    except ImportError as error:
        raise UsageError(f"a library Manim needs is missing ({error}); run `make setup`") from None
    try:
        for weight in webfont.PAGE_WEIGHTS:  # explore.html embeds the film's typeface
            webfont.font_path(weight)
    except webfont.FontMissingError as error:
        raise UsageError(str(error)) from None
    for tool in ("latex", "dvisvgm"):
        if shutil.which(tool) is None:
            raise UsageError(
                f"LaTeX is missing (no {tool!r} on PATH); run `make setup` or apt-get install "
                "texlive-latex-base texlive-latex-recommended texlive-latex-extra "
                "texlive-fonts-recommended dvisvgm"
            )


def say(line: str) -> None:
    print(line, flush=True)


def summary(outcomes: Sequence[Outcome]) -> str:
    """The closing table for one seed: each section's length, render time and peak memory."""

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


def course_summary(
    seeds: Sequence[int],
    sections: int,
    outcomes: Sequence[Outcome],
    progress: Progress,
    students: Sequence[rosters.Student] = (),
) -> str:
    """The closing table for several seeds: one row per seed, its sections done (and how
    many reused), its film's length, its render time, what became of its lecture and, with
    a roster, whose it is."""
    names = {student.seed: f"{student.name} ({student.id})" for student in students}

    def row(seed: str, done: str, video: str, took: str, lecture: str, student="") -> str:
        return f"{seed:>10} {done:>14} {video:>9} {took:>9}  {lecture:<13} {student}".rstrip()

    per_seed: dict[int, list[Outcome]] = {seed: [] for seed in seeds}
    for outcome in outcomes:
        per_seed[outcome.job.seed].append(outcome)
    rows = [row("seed", "sections", "video", "render", "lecture", "student" if names else "")]
    for seed, done in per_seed.items():
        reused = sum(outcome.reused for outcome in done)
        count = f"{len(done)}/{sections}" + (f" ({reused} reused)" if reused else "")
        if seed in progress.failed:
            state = "failed"
        elif seed in progress.ready:
            state = "ready"
        else:
            state = "not assembled"
        video = f"{sum(o.seconds_of_video for o in done):.1f}s"
        took = f"{sum(o.seconds_to_render for o in done):.1f}s"
        rows.append(row(str(seed), count, video, took, state, names.get(seed, "")))
    ready = len(progress.ready)
    total_render = sum(o.seconds_to_render for o in outcomes)
    rows.append(
        row(
            "total",
            f"{len(outcomes)}/{sections * len(seeds)}",
            "",
            f"{total_render:.1f}s",
            f"{ready} of {len(seeds)} lectures ready",
        )
    )
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
    scheduler: str | None = None  # a Dask scheduler's address, or None for this machine
    certificates: Path | None = None  # the course's TLS certificates, for a tls:// scheduler
    insecure: bool = False  # plain tcp:// to a scheduler on another machine is allowed
    film: tuple[Section, ...] = SECTIONS  # the registry: every section of the film, in order
    list_voices: bool = False  # --voices: list them and do nothing else
    audition: tuple[str, ...] | None = None  # the voices to audition (empty: all), or None
    students: tuple[rosters.Student, ...] = ()  # --roster: each student with their seed

    @property
    def reads_only(self) -> bool:
        """Whether the run only reads the script (--script, --audition), rendering nothing."""
        return self.script or self.audition is not None

    def folder(self, seed: int) -> Path:
        return self.out / f"seed-{seed}" / self.quality.name

    @property
    def recorded(self) -> bool:
        """Whether the film is timed to a folder of recordings."""
        return self.voice not in NAMED_VOICES

    def seed_folder(self, seed: int) -> Path:
        return self.out / f"seed-{seed}"

    def output_folder(self, seed: int) -> Path:
        """Where this run writes for the seed: the lecture, or beside it the script or the
        audition."""
        if self.audition is not None:
            return self.seed_folder(seed) / auditions.AUDITION
        return self.seed_folder(seed) if self.script else self.folder(seed)

    def job(self, section: Section, seed: int, stills: bool | None = None) -> Job:
        stills = self.stills if stills is None else stills
        folder = self.folder(seed)
        return Job(
            section, seed, self.quality, folder, stills, self.voice, self.captions, self.film
        )


def read_request(
    argv: list[str] | None,
    sections: Sequence[Section],
    qualities: Mapping[str, Quality],
    prog: str = PROG,
) -> Request:
    """The command line, checked; a UsageError names the first thing wrong with it."""
    args = parse_args(argv, qualities, sections, prog)
    voice = parse_voice(args.voice)
    students = tuple(read_students(args.roster, Path(args.out))) if args.roster else ()
    if students and args.seed:
        raise UsageError("--roster gives each student a seed; leave out --seed")
    seeds = [student.seed for student in students] or parse_seeds(args.seed or ["0"])
    audition = parse_audition(args.audition)
    if args.script and audition is not None:
        raise UsageError("--script and --audition each read the script; ask for one of them")
    if voice not in NAMED_VOICES and len(seeds) > 1 and not args.script and audition is None:
        raise UsageError(
            "recordings speak one seed's numbers: render one seed with a --voice folder"
        )
    scheduler = scheduler_address(args.scheduler)
    certificates = certificates_folder(args.certificates) if scheduler else None
    if scheduler:  # the address's form, and TLS or this machine, before any work
        try:
            where = cluster_access.parse_scheduler_address(scheduler)
            cluster_access.client_security(where, certificates, args.insecure)
        except ClusterError as error:
            raise UsageError(str(error)) from None
    return Request(
        seeds=seeds,
        quality=qualities[args.quality],
        sections=pick_sections(args.sections, sections),
        workers=parse_jobs(args.jobs),
        out=Path(args.out),
        stills=args.stills,
        voice=voice,
        captions=args.captions or (FILE if voice_named(voice).speaks else BURNED),
        script=args.script,
        scheduler=scheduler,
        certificates=certificates,
        insecure=args.insecure,
        film=tuple(sections),
        list_voices=args.voices,
        audition=audition,
        students=students,
    )


def read_students(path: str, course: Path) -> list[rosters.Student]:
    """The roster's students with the seeds the course gives them (not yet recorded)."""
    try:
        return rosters.assign(course, rosters.read_roster(Path(path)))
    except rosters.RosterError as error:
        raise UsageError(str(error)) from None


def main(
    argv: list[str] | None = None,
    sections: Sequence[Section] = SECTIONS,
    qualities: Mapping[str, Quality] = QUALITIES,
    status_every: float = 30.0,
    prog: str = PROG,
) -> int:
    """Render as the command line asks; `prog` names the command in its messages."""
    try:
        request = read_request(argv, sections, qualities, prog)
        if request.list_voices:
            say("\n".join(roster(DEFAULT_VOICE)))
            return 0
        for seed in request.seeds:
            prepare_folder(request.output_folder(seed))
        if request.students:  # each student's seed, kept before anything is made for it
            say(
                f"{len(request.students)} students: their seeds in "
                f"{rosters.record(request.out, request.students)}"
            )
        if not request.sections:
            say(f"{prog}: no section scenes exist yet; nothing to render")
            return 0
        check_tools(SILENT if request.reads_only else request.voice)
    except UsageError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2
    try:
        if request.audition is not None:
            return run_audition(request)
        if request.script or request.recorded:
            lines = {seed: read_script(request, seed) for seed in request.seeds}
            if request.script:
                return 0
            check_recordings(request, lines)
        if not request.scheduler:
            return render(request, status_every, prog=prog)
        client = cluster.connect(request.scheduler, request.certificates, request.insecure)
        try:
            if client.dashboard_link:
                say(f"Dask dashboard: {client.dashboard_link}")
            return render(request, status_every, client, prog)
        finally:
            client.close()
    except (UsageError, ClusterError) as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2
    except RenderError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            f"{prog}: interrupted; finished sections are kept and the next run resumes",
            file=sys.stderr,
        )
        return 130


def read_script(request: Request, seed: int) -> list[dict]:
    """The lines the asked-for sections speak for a seed; with --script, also written to
    script.txt for reading aloud."""
    say(f"seed {seed}: reading the narration script from the scenes")
    folder = request.seed_folder(seed)
    lines = scripts.film_lines(
        request.sections, request.film, seed, folder / ".script", request.workers
    )
    if request.script:
        scripts.write_script(folder / scripts.SCRIPT, seed, lines)
        say(f"seed {seed}: {len(lines)} lines in {folder / scripts.SCRIPT}")
    return lines


def audition_voices(names: Sequence[str]) -> tuple[dict[str, Voice], dict[str, str]]:
    """The voices to audition, and those left out because this machine cannot speak with
    them (a note each). A voice asked for by name must be installed; every installed voice
    when none is named."""
    chosen, left_out = {}, {}
    for name in names or [name for name in NAMED_VOICES if voice_named(name).speaks]:
        voice = voice_named(name)
        problem = voice.missing()
        if problem and names:
            raise UsageError(
                f"the voice {name} cannot speak: {problem}; run `make setup`, or leave it out "
                "of --audition (render.py --voices lists what is installed)"
            )
        if problem:
            left_out[name] = f"not installed: {problem}"
            say(f"audition: {name} left out, {left_out[name]}")
        else:
            chosen[name] = voice
    if not chosen:
        raise UsageError("no voice is installed to audition; run `make setup`")
    return chosen, left_out


def run_audition(request: Request) -> int:
    """Each chosen voice saying one line of each seed's lecture (a line with the seed's
    numbers), with a page to listen to them; exit 1 when a voice failed to speak."""
    voices, left_out = audition_voices(request.audition)
    failed = False
    for seed in request.seeds:
        say(f"seed {seed}: finding a line with this seed's numbers in the scenes")
        line = auditions.line_with_numbers(
            request.sections, request.film, seed, request.seed_folder(seed) / ".script"
        )
        if line is None:
            raise UsageError(
                f"no line of the sections asked for speaks seed {seed}'s numbers; "
                "ask for more --sections"
            )
        say(f"seed {seed}: {len(voices)} voices say {line['id']}: {line['words']}")
        made = auditions.write_audition(
            request.output_folder(seed), seed, line, voices, left_out, say
        )
        failed |= len(made.clips) < len(voices)
        say(f"seed {seed}: listen to {len(made.clips)} voices in {made.index}")
    return 1 if failed else 0


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


def render(request: Request, status_every: float, client=None, prog: str = PROG) -> int:
    """Render what is asked (reusing what is finished), assembling each seed's lecture as
    soon as its sections are done, on this machine or on a Dask cluster (`client`)."""
    wanted = [request.job(section, seed) for seed in request.seeds for section in request.sections]
    known = versions()
    sections = request.film
    reused, to_render = reuse.plan(wanted, sections, known)
    if client is None:
        executor = orchestrator.LocalExecutor(request.workers)
        where = f"{request.workers} at a time"
    else:
        threads = cluster.check_workers(client, to_render, sections, known)
        executor = cluster.DaskExecutor(client, sections, known, threads)
        where = f"{threads} at a time on the Dask cluster at {request.scheduler}"
    for folder in sorted({job.folder for job in wanted}):  # what a killed run left half-written
        scratch.sweep_partials(folder, say)
    for folder in {job.folder for job, _ in to_render}:
        lectures.clear(folder)
    film = [section for section in sections if section.exists]
    plan = orchestrator.Plan(
        to_render=to_render,
        reused=reused,
        lectures={
            seed: [request.job(section, seed, stills=False) for section in film]
            for seed in request.seeds
        },
        sections=sections,
        versions=known,
    )
    progress = Progress(
        len(wanted), say, [job for job, _ in to_render], len(request.seeds), executor.capacity()
    )
    say(
        f"Rendering {len(to_render)} of {len(wanted)} sections ({len(reused)} reused) for "
        f"{describe_seeds(request.seeds)} at {request.quality.name}, {where}, into "
        f"{request.out}/"
    )
    try:
        with view_for(progress, sys.stdout):  # a live bar on a terminal, else plain lines
            outcomes = orchestrator.run(plan, executor, progress, status_every)
    except Exception as error:
        if client is None:
            raise
        raise ClusterError(
            f"the run on the Dask cluster stopped ({type(error).__name__}: {error}); finished "
            "sections and lectures are kept: run the same command again to resume"
        ) from error
    if len(request.seeds) == 1:
        say(summary(outcomes))
    else:
        say(
            course_summary(
                request.seeds, len(request.sections), outcomes, progress, request.students
            )
        )
    failures = ["; ".join(reasons) for _, reasons in sorted(progress.failed.items())]
    try:
        course = write_course_answers(request.out)
    except (OSError, ValueError, KeyError) as error:
        failures.append(f"{request.out / COURSE_ANSWERS} could not be written: {error}")
    else:
        if course:
            say(f"answers of every finished lecture in {request.out}/: {course}")
    for failure in failures:  # one line per failed seed
        print(f"{prog}: error: {failure}", file=sys.stderr)
    return 1 if failures else 0


def describe_seeds(seeds: Sequence[int]) -> str:
    """seed 7 / seeds 3, 7, 11 / 300 seeds, 0 to 299"""
    if len(seeds) == 1:
        return f"seed {seeds[0]}"
    if len(seeds) <= 8:
        return "seeds " + ", ".join(map(str, seeds))
    return f"{len(seeds)} seeds, {min(seeds)} to {max(seeds)}"


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # its reader stopped reading (`render.py --voices | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
