"""The verdicts and the text: PASS, FAIL or SKIP per storyboard target, and the report
as printed, per section and for the lecture."""

from __future__ import annotations

from dataclasses import dataclass

from publishing.choreography.intervals import clock
from publishing.choreography.thresholds import (
    CAPTION_BAND,
    CHANGE_LEVEL,
    LATE,
    LINE_GAP,
    MAX_CPS,
    MAX_CUE_LINES,
    MAX_LINE_CHARS,
    MOTION_BLOCK,
    PACE,
    SAMPLES_PER_SECOND,
    VOICE_OVER_STILL_TARGET,
)


@dataclass
class Target:
    name: str
    figure: str
    target: str
    status: str  # PASS, FAIL, SKIP

    def line(self) -> str:
        return f"{self.name}: {self.figure} (target {self.target}) {self.status}"


def targets(report: dict) -> list[Target]:
    """A verdict per storyboard figure."""
    out = []
    silent = "skipped: a silent film"

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    still = report["voice_over_still"]
    if still is None:
        out.append(Target("voice over still picture", silent, "<= 20 s", "SKIP"))
    else:
        s = still["seconds"]
        out.append(
            Target(
                "voice over still picture",
                f"{s:.1f} s",
                f"<= {VOICE_OVER_STILL_TARGET:g} s",
                verdict(s <= VOICE_OVER_STILL_TARGET),
            )
        )
    found = report["silences"]
    if found is None:
        out.append(Target("silences over 3 s", silent, "none", "SKIP"))
    else:
        bad = [s for s in found if s["excused"] is None]
        longest = max((s["seconds"] for s in bad), default=0.0)
        figure = f"{len(bad)}" + (f", the longest {longest:.1f} s" if bad else "")
        out.append(Target("silences over 3 s", figure, "none", verdict(not bad)))
    pace = report["pace"]
    band = f"{PACE[0]:g}-{PACE[1]:g} wpm"
    if pace is None:
        out.append(Target("pace", silent, band, "SKIP"))
        out.append(Target("gaps between lines", silent, f">= {LINE_GAP:g} s", "SKIP"))
    else:
        figures = pace["lecture"]
        median = figures["median_wpm"]
        if median is None:
            out.append(Target("pace", "no cue matched to speech", band, "FAIL"))
        else:
            figure = f"median {median:.0f} wpm, {figures['share_in_band']:.0%} of cues in band"
            out.append(Target("pace", figure, band, verdict(PACE[0] <= median <= PACE[1])))
        gaps = report["gaps"]["lecture"]
        if gaps["min"] is None:
            out.append(Target("gaps between lines", "no two lines", f">= {LINE_GAP:g} s", "PASS"))
        else:
            figure = f"min {gaps['min']:.2f} s, {gaps['under_target']} under"
            out.append(
                Target(
                    "gaps between lines",
                    figure,
                    f">= {LINE_GAP:g} s",
                    verdict(gaps["min"] >= LINE_GAP - 1e-9),
                )
            )
    checks = report["captions"]
    for name, key, limit, figure, unit in (
        ("caption line length", "longest", MAX_LINE_CHARS, "longest {} characters", ""),
        ("caption lines a cue", "lines", MAX_CUE_LINES, "at most {}", ""),
        ("caption speed", "cps", MAX_CPS, "at most {:.1f} characters/s", " characters/s"),
    ):
        worst = max((c[key] for c in checks), default=0)
        over = sum(c[key] > limit for c in checks)
        out.append(
            Target(
                name,
                f"{figure.format(worst)}, {over} cues over",
                f"<= {limit:g}{unit}",
                verdict(not over),
            )
        )
    numbers = report["numbers"]
    if numbers is None:
        out.append(Target("spoken numbers on screen", "skipped: no tesseract", "all", "SKIP"))
    else:
        bad = sum(n["late"] for n in numbers)
        figure = f"{bad} of {len(numbers)} missing or late"
        out.append(
            Target(
                "spoken numbers on screen",
                figure,
                f"all, by {LATE:g} s after the word",
                verdict(not bad),
            )
        )
    return out


def format_report(report: dict) -> str:
    """The report as text: per section, the lecture, the lists, the verdicts."""
    out = []
    say = out.append
    voiced = report["voiced"]
    say(
        f"{report['title']}, seed {report['seed']}, {report['quality']}: "
        f"{report['seconds']:.1f} s at {report['fps']:g} fps, "
        f"{'voiced' if voiced else 'a silent film (no sound: sound checks skipped)'}"
    )
    say(f"{report['folder']}")
    say(f"word times: {report['word_times']}")
    for note in report["notes"]:
        say(f"note: {note}")
    say(
        f"picture change: a picture {SAMPLES_PER_SECOND} times a second changes when the mean "
        f"of some {MOTION_BLOCK}x{MOTION_BLOCK}-pixel block moves more than "
        f"{CHANGE_LEVEL:g}/255 from the last change; the bottom {CAPTION_BAND:.0%} "
        "(captions) is left out"
    )
    say("")
    for section in [*report["sections"], None]:
        say(section_summary(report, section))
    say("")
    still = report["voice_over_still"]
    if still is not None:
        say("Voice over still picture, the worst runs:")
        for run in still["runs"][:10]:
            say(
                f"  {clock(run['start'])}  still {run['seconds']:.1f} s, "
                f"{run['spoken']:.1f} s spoken:"
            )
            for line in run["lines"][:3]:
                say(f"      {shorten(line, 90)}")
        if not still["runs"]:
            say("  none")
    if report["silences"] is not None:
        say("Silences over 3 s (below -45 dBFS):")
        for s in report["silences"]:
            why = f"excused: {s['excused']}" if s["excused"] else "DEFECT"
            say(f"  {clock(s['start'])}  {s['seconds']:.1f} s  section {s['section']}  {why}")
        if not report["silences"]:
            say("  none")
    if report["pace"] is not None:
        off = [
            p
            for p in report["pace"]["cues"]
            if p["wpm"] is None or not PACE[0] <= p["wpm"] <= PACE[1]
        ]
        say(
            f"Cues outside {PACE[0]:g}-{PACE[1]:g} wpm: {len(off)} of {len(report['pace']['cues'])}"
        )
        for p in off[:15]:
            rate = "unmatched" if p["wpm"] is None else f"{p['wpm']:.0f} wpm"
            say(
                f"  {clock(p['start'])}  {rate:>9}  {p['words']} words in {p['seconds']:.2f} s"
                f"  {shorten(p['text'], 60)}"
            )
        short = report["gaps"]["short"]
        say(f"Gaps between lines under {LINE_GAP:g} s: {len(short)}")
        for g in short[:10]:
            say(f"  {clock(g['start'])}  {g['seconds']:.2f} s  {g['after']} -> {g['before']}")
    problems = [c for c in report["captions"] if c["problems"]]
    say(f"Caption problems: {len(problems)} of {len(report['captions'])} cues")
    for c in problems[:15]:
        say(
            f"  {clock(c['start'])}  cue {c['index']}: {'; '.join(c['problems'])}"
            f"  {shorten(c['text'], 50)}"
        )
    numbers = report["numbers"]
    if numbers is None:
        say("Spoken numbers: not read (tesseract is not installed: apt-get install tesseract-ocr)")
    else:
        say(f"Spoken numbers: {len(numbers)}")
        for n in numbers:
            say(f"  {clock(n['start'])}  {n['number']:>8}  {n['line']}  {n['seen']}")
    say("")
    say("Targets:")
    for t in report["targets"]:
        say("  " + Target(**t).line())
    return "\n".join(out)


def section_summary(report: dict, section: dict | None) -> str:
    """A section's figures (or the lecture's, for None), a few lines."""

    def mine(items):
        if items is None:
            return None
        return [i for i in items if section is None or i["section"] == section["number"]]

    if section is None:
        head = f"Whole lecture  0:00.0-{clock(report['seconds'])}"
        key = None
    else:
        head = (
            f"Section {section['number']}  {section['title']}  "
            f"{clock(section['start'])}-{clock(section['end'])}"
        )
        key = section["number"]
    rows = [head]
    still = report["voice_over_still"]
    if still is not None:
        seconds = still["seconds"] if key is None else still["per_section"][key]
        runs = mine(still["runs"])
        rows.append(f"  voice over still picture  {seconds:.1f} s, over {len(runs)} still runs")
    found = mine(report["silences"])
    if found is not None:
        bad = [s for s in found if s["excused"] is None]
        rows.append(f"  silences over 3 s         {len(bad)} ({len(found) - len(bad)} excused)")
    if report["pace"] is not None:
        pace = report["pace"]["lecture" if key is None else "per_section"]
        pace = pace if key is None else pace[key]
        gaps = report["gaps"]["lecture"] if key is None else report["gaps"]["per_section"][key]
        median = "-" if pace["median_wpm"] is None else f"{pace['median_wpm']:.0f}"
        share = "-" if pace["share_in_band"] is None else f"{pace['share_in_band']:.0%}"
        low = "-" if gaps["min"] is None else f"{gaps['min']:.2f}"
        middle = "-" if gaps["median"] is None else f"{gaps['median']:.2f}"
        rows.append(
            f"  pace                      median {median} wpm, {share} of cues in "
            f"{PACE[0]:g}-{PACE[1]:g}; gaps between lines min {low} s, "
            f"median {middle} s"
        )
    checks = mine(report["captions"])
    bad = sum(bool(c["problems"]) for c in checks)
    rows.append(f"  captions                  {len(checks)} cues, {bad} with problems")
    numbers = mine(report["numbers"])
    if numbers is not None:
        bad = sum(n["late"] for n in numbers)
        rows.append(f"  spoken numbers            {len(numbers)}, {bad} missing or late")
    return "\n".join(rows)


def shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"
