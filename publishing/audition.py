"""An audition of the voices: each installed voice saying the same line of the lecture, so a
lecturer chooses one by ear before rendering a film with it.

    render.py --seed 7 --audition                         # every installed voice
    render.py --seed 7 --audition piper kokoro:bf_emma    # these voices

The line is the seed's own: the first line of the film (of `--sections`) that speaks one of
the lesson's numbers, read from its scene as `--script` reads it (and kept with the script).
Each clip comes from the voice object the film speaks with, so it is levelled and cached the
same way, and lands as <out>/seed-N/audition/<voice>.wav beside an index.html that plays
them, written last: a folder with an index.html is a finished audition.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from common.files import whole_or_absent
from publishing import script as scripts
from publishing.film import TITLE, Section
from voices.base import Voice
from voices.kokoro_files import KokoroFilesError

AUDITION = "audition"  # the folder, in the seed's folder
INDEX = "index.html"


def clip_name(voice_name: str) -> str:
    """A file name for a voice's clip, safe on any file system: kokoro:af_heart ->
    kokoro-af_heart.wav."""
    return re.sub(r"[^A-Za-z0-9_.-]", "-", voice_name) + ".wav"


def line_with_numbers(
    sections: Sequence[Section], film: Sequence[Section], seed: int, folder: Path
) -> dict | None:
    """The first line of `sections`, in film order, that speaks one of the lesson's numbers
    (its id, words and which words are numbers), or None. Sections are read one at a time,
    so the search stops at the first that has one: each costs a run of its scene."""
    for section in sections:
        for line in scripts.film_lines([section], film, seed, folder, workers=1):
            if line["numbers"]:
                return line
    return None


@dataclass(frozen=True)
class Audition:
    """What an audition wrote: each voice's clip, the voices left out and why, the page."""

    clips: dict[str, Path]
    left_out: dict[str, str]
    index: Path


def write_audition(
    folder: Path,
    seed: int,
    line: Mapping,
    voices: Mapping[str, Voice],
    left_out: Mapping[str, str],
    say: Callable[[str], None],
) -> Audition:
    """Each voice's clip of `line` in `folder`, then the page that plays them. A voice that
    fails to speak is left out, with the reason, and the others go on. The old page goes
    first, so a folder never shows a page for clips that are being replaced."""
    (folder / INDEX).unlink(missing_ok=True)
    clips, left_out = {}, dict(left_out)
    for name, voice in voices.items():
        try:
            clip = voice.clip(line["id"], line["words"])
            target = folder / clip_name(name)
            with whole_or_absent(target) as partial:
                shutil.copyfile(clip.path, partial)
        except (OSError, ValueError, RuntimeError, KokoroFilesError) as error:
            left_out[name] = f"could not speak: {error}"
            say(f"seed {seed}: {name} left out: it {left_out[name]}")
            continue
        clips[name] = target
        say(f"seed {seed}: {name}: {target} ({clip.seconds:.1f} s)")
    index = folder / INDEX
    with whole_or_absent(index) as partial:
        partial.write_text(index_page(seed, line, {n: voices[n] for n in clips}, left_out))
    return Audition(clips, left_out, index)


def index_page(
    seed: int, line: Mapping, voices: Mapping[str, Voice], left_out: Mapping[str, str]
) -> str:
    """A page, whole in itself and offline, with a player per voice, its name, who it is and
    its licences, under the line they all say."""
    escape = html.escape
    entries = "\n".join(
        f"""<section>
  <h2>{escape(name)}</h2>
  <p>{escape(voice.name)}</p>
  <audio controls preload="none" src="{escape(clip_name(name))}"></audio>
  <p class="licence">Licences: {escape(voice.licence_summary())}</p>
  <p class="use"><code>render.py --seed {seed} --voice {escape(name)}</code></p>
</section>"""
        for name, voice in voices.items()
    )
    missing = "".join(
        f"\n  <li>{escape(name)}: {escape(why)}</li>" for name, why in left_out.items()
    )
    missing_list = f"<h2>Left out</h2>\n<ul>{missing}\n</ul>" if left_out else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(TITLE)}: the voices, seed {seed}</title>
<style>
body {{ font-family: sans-serif; max-width: 50em; margin: 2em auto; padding: 0 1em; }}
blockquote {{ font-size: 1.3em; border-left: 4px solid #888; margin: 1em 0; padding-left: 1em; }}
section {{ border-top: 1px solid #ccc; padding: 0.5em 0; }}
h2 {{ margin: 0.3em 0; font-size: 1.1em; }}
audio {{ width: 100%; }}
.licence, .use {{ color: #555; font-size: 0.9em; }}
</style>
</head>
<body>
<h1>{escape(TITLE)}: the voices</h1>
<p>Each voice says line {escape(line["id"])} of the lecture for seed {seed}:</p>
<blockquote id="line">{escape(line["words"])}</blockquote>
{entries}
{missing_list}
</body>
</html>
"""
