"""publish: upload finished lectures to YouTube, with their captions, thumbnail and chapters.

    python -m publishing.publish renders/seed-7/1080p            # one lecture
    python -m publishing.publish course/ --playlist "ML 101"      # every lecture of a course
    python -m publishing.publish course/ --dry-run                # what would go, what YouTube
                                                                 # would refuse; no network

Everything YouTube would refuse is found before anything is sent (youtube_checks). What is
done is recorded in the course folder's youtube.json (youtube_ledger), so a run stopped by
the daily quota, the network or Ctrl-C goes on where it stopped when run again.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from publishing import description as templates
from publishing import youtube
from publishing.film import QUALITIES
from publishing.lecture import MANIFEST
from publishing.roster import RosterError, Student, student_of
from publishing.usage import OneLineParser, UsageError
from publishing.video import lecture_title
from publishing.youtube_checks import (
    Lecture,
    NotALecture,
    chapter_starts,
    lecture_problems,
    read_lecture,
    thumbnail_mime,
)
from publishing.youtube_ledger import Ledger, LedgerError, lecture_key

PRIVACIES = ("private", "unlisted", "public")
EDUCATION = "27"  # YouTube's video category id for Education
SEED_FOLDER = re.compile(r"seed-(\d+)")
PACIFIC = "America/Los_Angeles"  # YouTube's daily quota resets at midnight Pacific time
QUOTA_STOP = 3  # the exit code when the daily quota stops a run
PROG = "publish"  # the console command passes its own name (mechanics-of-learning publish)


def say(line: str) -> None:
    print(line, flush=True)


def parse_args(argv: Sequence[str] | None, prog: str = PROG):
    parser = OneLineParser(
        prog=prog,
        description="Upload finished lectures to YouTube (private by default), with their "
        "captions, thumbnail, chapters and a description of their numbers.",
    )
    parser.add_argument(
        "folders",
        nargs="+",
        type=Path,
        metavar="FOLDER",
        help="a finished lecture folder (course/seed-N/QUALITY/), or a course folder "
        "(render.py's --out) for each of its finished lectures",
    )
    parser.add_argument(
        "--quality",
        choices=list(QUALITIES),
        help="which quality of each seed of a course; default the highest finished",
    )
    parser.add_argument(
        "--title",
        metavar="TEMPLATE",
        help="the title, with the placeholders of --description, e.g. {seed} or {student} "
        f"(default: the MP4's own, {lecture_title(7, Student('s007', 'Zoë Ng', 7))!r} for a "
        f"student of the course's roster, else {lecture_title(7)!r})",
    )
    parser.add_argument(
        "--description",
        type=Path,
        metavar="FILE",
        help="a text file with the description, with placeholders: "
        + ", ".join(f"{{{name}}}" for name in templates.PLACEHOLDERS),
    )
    parser.add_argument(
        "--privacy",
        choices=PRIVACIES,
        default="private",
        help="who may watch (default private); an API project Google has not audited can "
        "only upload private videos",
    )
    parser.add_argument("--playlist", metavar="NAME", help="add each video to this playlist")
    parser.add_argument(
        "--client-secrets",
        type=Path,
        metavar="FILE",
        help="the OAuth client secrets JSON of a Desktop app, from the Google Cloud console "
        f"(default ${youtube.SECRETS_VARIABLE}, or {youtube.default_client_secrets()})",
    )
    parser.add_argument(
        "--token",
        type=Path,
        metavar="FILE",
        help="where the permission is kept between runs (default "
        f"${youtube.TOKEN_VARIABLE}, or {youtube.default_token()})",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check everything YouTube would refuse and say what would be uploaded, "
        "without network or credentials",
    )
    return parser.parse_args(argv)


def seed_of(folder: Path) -> int:
    return int(SEED_FOLDER.fullmatch(folder.name).group(1))


def course_lecture_folders(
    seed_folders: list[Path], quality: str | None
) -> tuple[list[Path], list[str]]:
    """The lecture folder of each seed (the quality asked for, else the highest finished),
    and a note for each seed that has none."""
    folders, notes = [], []
    for seed_folder in sorted(seed_folders, key=seed_of):
        finished = [q for q in QUALITIES if (seed_folder / q / MANIFEST).is_file()]
        if quality is not None:
            finished = [q for q in finished if q == quality]
        if finished:
            folders.append(seed_folder / finished[-1])
        else:
            which = f"{quality} " if quality else ""
            notes.append(f"{seed_folder}: no finished {which}lecture in it; skipped")
    return folders, notes


def lecture_folders(path: Path, quality: str | None) -> tuple[list[Path], list[str]]:
    """The lecture folders a FOLDER argument stands for, and notes on seeds left out."""
    if not path.is_dir():
        raise UsageError(f"no folder {path}; give a lecture folder or a course folder")
    if (path / MANIFEST).is_file():
        return [path], []
    if SEED_FOLDER.fullmatch(path.name):
        seed_folders = [path]
    else:
        seed_folders = [p for p in path.iterdir() if p.is_dir() and SEED_FOLDER.fullmatch(p.name)]
    if not seed_folders:
        return [path], []  # a lecture folder, unfinished: read_lecture says so
    folders, notes = course_lecture_folders(seed_folders, quality)
    if not folders:
        raise UsageError(f"{path} holds no finished lecture (no seed-N/QUALITY/{MANIFEST})")
    return folders, notes


@dataclass(frozen=True)
class Plan:
    """One lecture, what it would be uploaded as, and what YouTube would refuse."""

    lecture: Lecture
    student: Student | None
    title: str
    description: str
    problems: list[str]

    @property
    def key(self) -> str:
        return lecture_key(self.lecture.seed, self.lecture.quality, self.lecture.video_sha256)

    @property
    def name(self) -> str:
        lecture = self.lecture
        who = f", {self.student.name}" if self.student else ""
        return f"seed {lecture.seed} ({lecture.quality}{who})"


def plan_for(folder: Path, options) -> Plan:
    try:
        lecture = read_lecture(folder)
        student = student_of(lecture.course, lecture.seed)
    except (NotALecture, RosterError) as error:
        raise UsageError(str(error)) from None
    if options.title is None:  # the MP4's own title
        title = lecture_title(lecture.seed, student)
    else:
        title = templates.fill(options.title, "--title", lecture, student)
    text = templates.fill(options.description_template, "--description", lecture, student)
    return Plan(lecture, student, title, text, lecture_problems(lecture, title, text))


def plans_for(options) -> list[Plan]:
    if options.title is not None:
        templates.fields_of(options.title, "--title")
    options.description_template = templates.read_description_template(options.description)
    plans, seen = [], set()
    for path in options.folders:
        folders, notes = lecture_folders(path, options.quality)
        for note in notes:
            say(note)
        for folder in folders:
            if folder.resolve() not in seen:
                seen.add(folder.resolve())
                plans.append(plan_for(folder, options))
    return plans


def size_text(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.1f} kB"


def file_size(path: Path) -> str:
    return size_text(path.stat().st_size) if path.is_file() else "missing"


def describe(plan: Plan, privacy: str, ledger: Ledger) -> list[str]:
    """What would be uploaded for this lecture, and each problem, one line each."""
    lecture = plan.lecture
    chapters = len(chapter_starts(plan.description))
    lines = [
        f"{plan.name}: {plan.title!r}, {privacy}",
        f"  video {file_size(lecture.video)}, captions {file_size(lecture.captions)}, "
        f"thumbnail {file_size(lecture.thumbnail)}, "
        f"description {len(plan.description.encode('utf-8'))} bytes, "
        f"{chapters} chapters",
    ]
    done = ledger.lectures.get(plan.key, {})
    if done.get("video_id"):
        steps = [step for step in ("captions_id", "thumbnail") if done.get(step)]
        lines.append(
            f"  on YouTube already as video {done['video_id']}"
            + (f" (with {', '.join(s.removesuffix('_id') for s in steps)})" if steps else "")
        )
    lines += [f"  problem: {problem}" for problem in plan.problems]
    return lines


def complete(plan: Plan, ledger: Ledger, playlist: str | None) -> bool:
    done = ledger.lectures.get(plan.key, {})
    finished = bool(done.get("video_id") and done.get("captions_id") and done.get("thumbnail"))
    if playlist is not None:
        playlist_id = ledger.playlists.get(playlist)
        return finished and playlist_id is not None and playlist_id in done.get("playlists", {})
    return finished


def quota_resets(now: datetime) -> str:
    """When YouTube's daily quota comes back: midnight Pacific time, in the machine's time."""
    try:
        pacific = ZoneInfo(PACIFIC)
    except ZoneInfoNotFoundError:
        return "at midnight Pacific time"
    here = now.astimezone(pacific)
    midnight = datetime.combine(here.date() + timedelta(days=1), datetime.min.time(), pacific)
    left = midnight - here
    hours, minutes = divmod(int(left.total_seconds()) // 60, 60)
    local = midnight.astimezone(now.astimezone().tzinfo)
    return (
        f"at midnight Pacific time, {local:%H:%M} {local.tzname()} here "
        f"(in {hours} h {minutes:02d} min)"
    )


class UploadProgress:
    """Says how far an upload has come, every tenth of it."""

    def __init__(self, name: str):
        self.name, self.said = name, 0

    def __call__(self, sent: int, total: int) -> None:
        tenth = sent * 10 // total if total else 0
        if tenth > self.said:
            self.said = tenth
            say(f"{self.name}: {tenth * 10}% of {size_text(total)} sent")


def publish_one(
    plan: Plan, service, ledger: Ledger, options, playlist_id: str | None, retry: youtube.Retry
) -> None:
    """The steps of one lecture not done yet, each recorded in the ledger once done."""
    lecture, key = plan.lecture, plan.key
    done = ledger.entry(key)
    if not done.get("video_id"):
        say(f"{plan.name}: uploading {lecture.video} as {plan.title!r}")
        metadata = {
            "snippet": {
                "title": plan.title,
                "description": plan.description,
                "categoryId": EDUCATION,
                "defaultLanguage": "en",
                "defaultAudioLanguage": "en",
            },
            "status": {"privacyStatus": options.privacy},
        }
        session = done.get("upload_session")
        if session:
            say(f"{plan.name}: going on with the upload a run before left unfinished")
        video = youtube.upload_video(
            service,
            lecture.video,
            metadata,
            retry,
            UploadProgress(plan.name),
            options.chunk_bytes,
            session,
            lambda address: ledger.record(key, upload_session=address),
        )
        ledger.record(
            key,
            upload_session=None,
            seed=lecture.seed,
            quality=lecture.quality,
            sha256=lecture.video_sha256,
            folder=str(lecture.folder),
            title=plan.title,
            video_id=video["id"],
        )
        given = video.get("status", {}).get("privacyStatus", options.privacy)
        if given != options.privacy:
            say(
                f"{plan.name}: YouTube made it {given}, not {options.privacy}: uploads through "
                "an API project Google has not audited stay private (README)"
            )
    video_id = done["video_id"]
    if not done.get("captions_id"):
        caption = youtube.add_captions(service, video_id, lecture.captions, retry)
        ledger.record(key, captions_id=caption["id"])
    if not done.get("thumbnail"):
        mime = thumbnail_mime(lecture.thumbnail)
        youtube.set_thumbnail(service, video_id, lecture.thumbnail, mime, retry)
        ledger.record(key, thumbnail=True)
    if playlist_id is not None and playlist_id not in done.get("playlists", {}):
        item = youtube.add_to_playlist(service, playlist_id, video_id, retry)
        ledger.record(key, playlists={**done.get("playlists", {}), playlist_id: item})
    say(f"{plan.name}: done, https://www.youtube.com/watch?v={video_id}")


def ledgers_for(plans: list[Plan]) -> dict[Path, Ledger]:
    try:
        return {course: Ledger.read(course) for course in {p.lecture.course for p in plans}}
    except LedgerError as error:
        raise UsageError(str(error)) from None


def dry_run(plans: list[Plan], options, ledgers: dict[Path, Ledger]) -> int:
    for plan in plans:
        for line in describe(plan, options.privacy, ledgers[plan.lecture.course]):
            say(line)
    refused = sum(1 for plan in plans if plan.problems)
    say(
        f"dry run: {len(plans) - refused} of {len(plans)} lectures would be uploaded"
        + (f", {refused} would be refused (problems above)" if refused else "")
        + "; nothing was sent"
    )
    return 1 if refused else 0


def upload(
    plans: list[Plan], options, ledgers: dict[Path, Ledger], retry: youtube.Retry, now
) -> int:
    refused = [plan for plan in plans if plan.problems]
    for plan in refused:
        for problem in plan.problems:
            say(f"{plan.name}: {problem}")
    if refused:
        say(f"nothing uploaded: YouTube would refuse {len(refused)} of {len(plans)} lectures")
        return 1
    pending = [p for p in plans if not complete(p, ledgers[p.lecture.course], options.playlist)]
    if not pending:
        say(f"all {len(plans)} lectures are on YouTube already (see youtube.json)")
        return 0
    for ledger in ledgers.values():  # before anything is sent: what is sent must be recorded
        try:
            ledger.write()
        except OSError as error:
            raise UsageError(
                f"cannot write {ledger.path} ({error.strerror}); publish records there what is "
                "on YouTube: make the course folder writable"
            ) from None
    secrets = options.client_secrets or youtube.default_client_secrets()
    token = options.token or youtube.default_token()
    done, turned_down = len(plans) - len(pending), []
    try:
        service = youtube.youtube_service(youtube.credentials_for(secrets, token, say))
        playlists = playlist_ids(pending, options, ledgers, service, retry)
        for plan in pending:
            ledger = ledgers[plan.lecture.course]
            try:
                publish_one(plan, service, ledger, options, playlists.get(ledger.path), retry)
            except (youtube.QuotaExhausted, youtube.GaveUp):
                raise
            except youtube.YouTubeError as error:  # this lecture only: the others go on
                say(f"{plan.name}: {error}")
                turned_down.append(plan)
                continue
            done += 1
    except youtube.QuotaExhausted as error:
        if str(error) == youtube.CHANNEL_LIMIT:
            what = "the channel's limit of uploads in 24 hours is reached"
            when = (
                f"it lifts within 24 hours, by {now().astimezone() + timedelta(days=1):%a %H:%M %Z}"
            )
        else:
            what, when = "YouTube's daily quota is used up", f"it resets {quota_resets(now())}"
        say(
            f"{options.prog}: {what} ({error}): {done} of {len(plans)} lectures done; {when}: run "
            "the same command again then to go on (youtube.json keeps what is done)"
        )
        return QUOTA_STOP
    except youtube.YouTubeError as error:
        say(
            f"{options.prog}: {error}; {done} of {len(plans)} lectures done, kept in youtube.json: "
            "run the same command again to go on"
        )
        return 1
    if turned_down:
        say(
            f"{options.prog}: {done} of {len(plans)} lectures done; YouTube refused part of "
            f"{len(turned_down)} (above): what was done is kept in youtube.json, run the same "
            "command again once it is fixed"
        )
        return 1
    say(f"all {len(plans)} lectures are on YouTube ({len(pending)} uploaded now)")
    return 0


def playlist_ids(
    plans: list[Plan], options, ledgers: dict[Path, Ledger], service, retry: youtube.Retry
) -> dict[Path, str]:
    """The --playlist's id for each course's ledger: the one it recorded, else found by
    name on the channel or made (once, before any video, so a refusal stops at once)."""
    if options.playlist is None:
        return {}
    found = {}
    courses = dict.fromkeys(plan.lecture.course for plan in plans)  # each once, in order
    for ledger in (ledgers[course] for course in courses):
        playlist_id = ledger.playlists.get(options.playlist) or next(iter(found.values()), None)
        if playlist_id is None:
            playlist_id = youtube.find_or_create_playlist(
                service, options.playlist, options.privacy, retry
            )
        if ledger.playlists.get(options.playlist) != playlist_id:
            ledger.playlists[options.playlist] = playlist_id
            ledger.write()
        found[ledger.path] = playlist_id
    return found


def main(
    argv: list[str] | None = None,
    prog: str = PROG,
    retry: youtube.Retry | None = None,
    chunk_bytes: int = youtube.CHUNK_BYTES,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    """The command; `prog` names it in its messages; `retry`, `chunk_bytes` and `now` are
    for tests (quick waits, small chunks, a fixed clock)."""
    try:
        options = parse_args(argv, prog)
        options.prog, options.chunk_bytes = prog, chunk_bytes
        plans = plans_for(options)
        ledgers = ledgers_for(plans)
        if options.dry_run:
            return dry_run(plans, options, ledgers)
        return upload(plans, options, ledgers, retry or youtube.Retry(say=say), now)
    except UsageError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted; what is done is kept in youtube.json", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
