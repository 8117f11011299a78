"""What YouTube would refuse, checked on this machine before anything is sent: a finished
lecture's files, and the title and description made for it.

The limits are YouTube's own (README, 'Uploading to YouTube', cites where each is written):
a title of at most 100 characters and a description of at most 5000 bytes, neither with
`<` or `>`; chapters only when the first is at 0:00, there are three or more, each lasting
ten seconds or more, in order; a thumbnail of at most 2 MB, JPEG, PNG, GIF or BMP, 16:9,
640 pixels wide or more.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import srt
from PIL import Image, UnidentifiedImageError

from publishing.captions import MIN_CHAPTER_SECONDS, MIN_CHAPTERS
from publishing.film import LECTURE_STEM
from publishing.lecture import CHAPTERS, MANIFEST, THUMBNAIL
from publishing.roster import course_of

MOST_TITLE_CHARACTERS = 100
MOST_DESCRIPTION_BYTES = 5000
MOST_THUMBNAIL_BYTES = 2 * 1024 * 1024
THUMBNAIL_FORMATS = ("JPEG", "PNG", "GIF", "BMP")
# thumbnails.set takes image/jpeg, image/png or application/octet-stream (its discovery
# document's `accept`; the client library refuses any other type before sending)
THUMBNAIL_MIME = {"JPEG": "image/jpeg", "PNG": "image/png"}
LEAST_THUMBNAIL_WIDTH = 640
FORBIDDEN = "<>"
# A chapter line of a description: a timestamp (M:SS, MM:SS or H:MM:SS) at its start.
TIMESTAMP = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{2})\b", re.MULTILINE)


class NotALecture(Exception):
    """A folder that is not a finished lecture: one line saying what to do."""


@dataclass(frozen=True)
class Lecture:
    """A finished lecture folder, as publish uploads it."""

    folder: Path
    seed: int
    quality: str
    manifest: dict
    video_sha256: str  # as the manifest records it
    video_bytes: int  # likewise
    seconds: float  # the video's length, as the manifest records it

    @property
    def video(self) -> Path:
        return self.folder / f"{LECTURE_STEM}.mp4"

    @property
    def captions(self) -> Path:
        return self.folder / f"{LECTURE_STEM}.srt"

    @property
    def chapters(self) -> Path:
        return self.folder / CHAPTERS

    @property
    def thumbnail(self) -> Path:
        return self.folder / THUMBNAIL

    @property
    def course(self) -> Path:
        """The course folder (render.py's --out): the lecture is course/seed-N/QUALITY/."""
        return course_of(self.folder)

    @property
    def key_numbers(self) -> dict:
        return self.manifest.get("key_numbers", {})


def read_lecture(folder: Path) -> Lecture:
    """The finished lecture in `folder`; NotALecture when it is not one."""
    if not folder.is_dir():
        raise NotALecture(f"no folder {folder}; give a lecture folder or a course folder")
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotALecture(
            f"{folder} is not a finished lecture (no {MANIFEST}); render it to the end first"
        ) from None
    except (OSError, ValueError) as error:
        raise NotALecture(
            f"{folder / MANIFEST} cannot be read ({error}); render it again"
        ) from None
    video_name = f"{LECTURE_STEM}.mp4"
    entry = next(
        (item for item in manifest.get("files", []) if item.get("file") == video_name), None
    )
    described = entry is not None and {"sha256", "bytes", "seconds"} <= entry.keys()
    if not isinstance(manifest.get("seed"), int) or not described:
        raise NotALecture(f"{folder / MANIFEST} does not describe a lecture video; render again")
    quality = manifest.get("quality", {}).get("name", folder.name)
    return Lecture(
        folder,
        manifest["seed"],
        quality,
        manifest,
        entry["sha256"],
        entry["bytes"],
        entry["seconds"],
    )


def title_problems(title: str) -> list[str]:
    problems = []
    if not title.strip():
        problems.append("the title is empty; YouTube needs one")
    if len(title) > MOST_TITLE_CHARACTERS:
        problems.append(
            f"the title is {len(title)} characters; YouTube takes at most {MOST_TITLE_CHARACTERS}"
        )
    problems += [f"the title has {c!r}, which YouTube refuses" for c in FORBIDDEN if c in title]
    return problems


def description_problems(description: str) -> list[str]:
    problems = []
    size = len(description.encode("utf-8"))
    if size > MOST_DESCRIPTION_BYTES:
        problems.append(
            f"the description is {size} bytes; YouTube takes at most {MOST_DESCRIPTION_BYTES}"
        )
    problems += [
        f"the description has {c!r}, which YouTube refuses" for c in FORBIDDEN if c in description
    ]
    return problems


def chapter_starts(description: str) -> list[int]:
    """The seconds of each chapter line of a description, in its order."""
    return [
        int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
        for hours, minutes, seconds in TIMESTAMP.findall(description)
    ]


def chapter_problems(starts: list[int], video_seconds: float) -> list[str]:
    """Why YouTube would not make chapters of these timestamps ([] when it would, or when
    there are none: then there are simply no chapters)."""
    if not starts:
        return []
    problems = []
    if starts[0] != 0:
        problems.append(f"the first chapter starts at {starts[0]} s; YouTube needs it at 0:00")
    if len(starts) < MIN_CHAPTERS:
        problems.append(f"{len(starts)} chapters; YouTube needs at least {MIN_CHAPTERS}")
    if any(later <= earlier for earlier, later in zip(starts, starts[1:], strict=False)):
        problems.append("the chapters are not in ascending order")
    ends = [*starts[1:], video_seconds]
    short = [
        f"{start // 60}:{start % 60:02d}"
        for start, end in zip(starts, ends, strict=True)
        if 0 <= end - start < MIN_CHAPTER_SECONDS
    ]
    if short:
        problems.append(
            f"chapters shorter than {MIN_CHAPTER_SECONDS:.0f} s start at {', '.join(short)}; "
            "YouTube needs each to last that long"
        )
    if starts[-1] >= video_seconds:
        problems.append(f"a chapter starts at {starts[-1]} s, after the video's end")
    return problems


def thumbnail_problems(path: Path) -> list[str]:
    if not path.is_file():
        return [f"no thumbnail {path.name}"]
    problems = []
    size = path.stat().st_size
    if size > MOST_THUMBNAIL_BYTES:
        problems.append(
            f"the thumbnail is {size / 1e6:.1f} MB; YouTube takes at most 2 MB "
            f"({MOST_THUMBNAIL_BYTES} bytes)"
        )
    try:
        with Image.open(path) as image:
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError):
        return [*problems, f"the thumbnail {path.name} is not an image YouTube can read"]
    if kind not in THUMBNAIL_FORMATS:
        problems.append(f"the thumbnail is {kind}; YouTube takes {', '.join(THUMBNAIL_FORMATS)}")
    if width * 9 != height * 16:
        problems.append(f"the thumbnail is {width}x{height}, not 16:9")
    if width < LEAST_THUMBNAIL_WIDTH:
        problems.append(
            f"the thumbnail is {width} pixels wide; YouTube needs {LEAST_THUMBNAIL_WIDTH} or more"
        )
    return problems


def thumbnail_mime(path: Path) -> str:
    with Image.open(path) as image:
        return THUMBNAIL_MIME.get(image.format, "application/octet-stream")


def captions_problems(path: Path) -> list[str]:
    try:
        cues = list(srt.parse(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return [f"no captions file {path.name}"]
    except (UnicodeDecodeError, srt.SRTParseError) as error:
        return [f"the captions {path.name} cannot be parsed as SubRip ({error})"]
    return [] if cues else [f"the captions {path.name} hold no cue"]


def video_problems(lecture: Lecture) -> list[str]:
    """The video must be there, and be the one the manifest describes (its SHA-256 is what
    the ledger knows it by; its length is compared, which costs nothing)."""
    if not lecture.video.is_file():
        return [f"no video {lecture.video.name}"]
    size = lecture.video.stat().st_size
    if size != lecture.video_bytes:
        return [
            f"the video is {size} bytes, not the {lecture.video_bytes} manifest.json "
            "records: it changed after rendering; render the lecture again"
        ]
    return []


def lecture_problems(lecture: Lecture, title: str, description: str) -> list[str]:
    """Everything YouTube would refuse about uploading this lecture with this title and
    description, one line each."""
    return [
        *video_problems(lecture),
        *title_problems(title),
        *description_problems(description),
        *chapter_problems(chapter_starts(description), lecture.seconds),
        *captions_problems(lecture.captions),
        *thumbnail_problems(lecture.thumbnail),
    ]
