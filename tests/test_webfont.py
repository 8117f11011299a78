"""Inter embedded in explore.html: the same characters give the same bytes in any process,
each subset holds the page's characters and no others, keeps kerning and tabular figures,
and a machine without Inter is told what to install."""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from publishing import webfont

ROOT = Path(__file__).resolve().parent.parent
TYPICAL = "".join(chr(code) for code in range(0x20, 0x7F)) + "−·×→≈“”‘’…₁₂₃₄₅%"
PAGE = "Loss 0.045 − step 12 × rate → weights ≈ “moved” ‘back’ … w₁ w₂"


def embedded_fonts(css: str) -> dict[int, TTFont]:
    """The fonts in the CSS's data: URLs, decoded back from WOFF2, by weight."""
    rules = re.findall(r"font-weight: (\d+);.*?base64,([A-Za-z0-9+/=]+)\)", css)
    return {int(weight): TTFont(io.BytesIO(base64.b64decode(data))) for weight, data in rules}


def css_in_a_new_process(hash_seed: str) -> str:
    """font_face_css as another run computes it: its own Python, its own hash seed, and no
    SOURCE_DATE_EPOCH (fontTools would take its time from it and hide a timestamp)."""
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    env.update(PYTHONHASHSEED=hash_seed, PYTHONPATH=str(ROOT))
    code = (
        "import sys; from publishing import webfont; "
        "sys.stdout.write(webfont.font_face_css(sys.argv[1]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, PAGE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_same_characters_give_the_same_bytes_in_two_processes():
    """The page's SHA-256 goes into the manifest: two runs, seconds apart and with different
    set orders, write byte-identical CSS, and the characters' order does not matter."""
    first = css_in_a_new_process("1")
    time.sleep(1.1)  # head.modified counts seconds: a run in a later second must agree too
    second = css_in_a_new_process("2")
    assert first == second
    assert first == webfont.font_face_css("".join(reversed(PAGE)))
    assert first.count("@font-face") == 2


def test_no_time_of_saving_is_written():
    """The subset's head.modified is Inter's own, not the moment it was cut."""
    original = TTFont(webfont.font_path(400), lazy=True)["head"]
    embedded = embedded_fonts(webfont.font_face_css(PAGE, weights=(400,)))[400]["head"]
    assert embedded.modified == original.modified
    assert embedded.created == original.created


def test_each_weight_holds_the_page_characters_and_no_others():
    """Exactly the characters asked for, and a space: not Q, not Cyrillic Ж (which Inter has)."""
    css = webfont.font_face_css(PAGE, weights=(400, 600))
    fonts = embedded_fonts(css)
    assert sorted(fonts) == [400, 600]
    for font in fonts.values():
        mapped = {chr(code) for code in font.getBestCmap()}
        assert mapped == set(PAGE) | {" "}
        assert "Q" not in mapped and "Ж" not in mapped
        assert font.getGlyphOrder()[0] == ".notdef"
        assert len(font.getGlyphOrder()) < 100  # Inter has 2548
    assert 'font-family: "Inter"; font-weight: 600; font-style: normal; font-display: block;' in css
    assert 'format("woff2"); }' in css


def test_kerning_and_tabular_figures_are_kept_and_hinting_dropped():
    """Kerning (GPOS kern) for good text, tnum so a live read-out's digits do not jitter."""
    font = embedded_fonts(webfont.font_face_css(TYPICAL, weights=(400,)))[400]
    positioning = {record.FeatureTag for record in font["GPOS"].table.FeatureList.FeatureRecord}
    substitution = {record.FeatureTag for record in font["GSUB"].table.FeatureList.FeatureRecord}
    assert "kern" in positioning
    assert "tnum" in substitution
    assert not {"frac", "numr", "dnom", "ss01", "cv01"} & substitution
    private = font["CFF "].cff.topDictIndex[0].Private
    assert not getattr(private, "BlueValues", None)  # CFF hints are gone


def test_a_typical_page_stays_small():
    """ASCII and the film's symbols, two weights: under 32 kB of CSS, not 2 x 260 kB of OTF."""
    css = webfont.font_face_css(TYPICAL)
    assert len(css.encode()) < 32_000  # 28.5 kB with fontTools 4.69


def test_missing_characters_names_what_inter_cannot_draw():
    """∇, ∈ and ℝ are not in Inter; the film's own symbols and a newline are not reported."""
    assert webfont.missing_characters("a∇b∈∇ℝ\n−×→≈·“”‘’…₁%") == "∇∈ℝ"
    assert webfont.missing_characters(TYPICAL, weight=600) == ""
    fonts = embedded_fonts(webfont.font_face_css("x∇"))
    assert all(ord("∇") not in font.getBestCmap() for font in fonts.values())


def test_a_machine_without_inter_is_told_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv(webfont.FOLDER_VARIABLE, str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"install Debian's fonts-inter \(make setup\)"):
        webfont.font_face_css("abc")
    with pytest.raises(webfont.FontMissingError, match="Inter-Regular.otf is missing"):
        webfont.missing_characters("abc")


def test_an_unknown_weight_is_refused():
    with pytest.raises(ValueError, match="Inter weight 450"):
        webfont.font_face_css("abc", weights=(450,))
