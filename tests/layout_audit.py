"""Check a scene's layout from mobject geometry while it renders: at every frame written
and at the end of every play.

What a viewer in a hall or on a phone needs:
- nothing is drawn outside the action-safe area, 3.5 % in from every edge (in 3-D, as the
  camera projects it): projectors in lecture halls crop the frame's edges;
- no two texts overlap, and nothing but the caption enters the caption band;
- no two update arrows (section 4's push on each weight) overlap, outlines included;
- every text is large enough: capitals at least 24 px tall in a 1080p frame;
- a weight's line never contradicts the legend: it is drawn orange (positive) or blue
  (negative), or between the two while its weight crosses zero, never in another colour;
- the beat's main picture (the scene's `featured` mobject) spans at least 60% of the
  frame's width or 55% of its height when a play ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from manim import DecimalNumber, MathTex, Tex, Text, VMobject, config

from scenes import style
from scenes.diagram import NetworkDiagram, UpdateArrow
from scenes.narration import Caption
from scenes.record import texts_on_screen
from scenes.style import math

MIN_CAP_PX_AT_1080P = 24
MIN_WIDTH_SHARE = 0.60
MIN_HEIGHT_SHARE = 0.55
EDGE_SLACK = 0.02  # frame units: geometry is exact, antialiasing is not a layout fault
OVERLAP_SLACK = 0.02
COLOUR_SLACK = 0.03  # RGB distance (0..1 per channel) from the legend's orange-blue segment
VISIBLE = 0.5  # a text fading in or out below this opacity is not yet (or no longer) read
FAINTLY_VISIBLE = 0.15  # but two texts on top of each other show from here on (a cross-fade)


def _cap_height_per_font_size(kind) -> float:
    """Frame units of capital height per unit of font size, measured from an "H"."""
    probe = Text("H", font=style.FONT, font_size=48) if kind is Text else math("H", size=48)
    return probe.height / 48


@dataclass
class Problem:
    frame: int
    play: int
    what: str

    def __str__(self) -> str:
        return f"frame {self.frame} (play {self.play}): {self.what}"


@dataclass
class LayoutAudit:
    problems: list[Problem] = field(default_factory=list)
    moments: int = 0
    screens: list[list[str]] = field(default_factory=list)  # the read-outs at each moment
    bar_shares: list[list[float]] = field(default_factory=list)  # probability bars' lengths
    play_ends: int = 0
    moment_frames: list[int] = field(default_factory=list)  # frames each moment stays up
    main_pictures: int = 0  # play ends at which a main picture was on screen and measured

    def install(self, scene) -> None:
        self.scene = scene
        self.cap = {
            Text: _cap_height_per_font_size(Text),
            MathTex: _cap_height_per_font_size(MathTex),
        }
        self.frames = 0
        renderer = scene.renderer
        write = renderer.add_frame

        def audited_add_frame(frame, num_frames: int = 1):
            if not renderer.skip_animations:
                self.check_moment()
                self.moment_frames.append(num_frames)
                self.frames += num_frames
            write(frame, num_frames)

        renderer.add_frame = audited_add_frame
        play = scene.play

        def audited_play(*args, **kwargs):
            play(*args, **kwargs)
            self.check_moment()
            self.moment_frames.append(0)  # a play's end is the last frame, seen again
            self.check_main_picture()
            self.play_ends += 1

        scene.play = audited_play

    # Geometry -----------------------------------------------------------------------------
    def screen_points(self, mobject) -> np.ndarray:
        points = mobject.points
        if len(points) == 0:
            return points
        return self.scene.renderer.camera.transform_points_pre_display(mobject, points)

    def box(self, mobject) -> np.ndarray | None:
        """[[x0, y0], [x1, y1]] of everything in the mobject with points, as on screen."""
        boxes = [
            self.screen_points(member)
            for member in mobject.get_family()
            if len(member.points) and visible(member)
        ]
        if not boxes:
            return None
        points = np.vstack(boxes)
        return np.array([points[:, :2].min(axis=0), points[:, :2].max(axis=0)])

    def report(self, what: str) -> None:
        self.problems.append(Problem(self.frames, self.scene.renderer.num_plays, what))

    # Checks -------------------------------------------------------------------------------
    def check_moment(self) -> None:
        self.moments += 1
        scene = self.scene
        half_w = config.frame_width / 2 - style.SAFE_X
        half_h = config.frame_height / 2 - style.SAFE_Y
        caption = {
            id(member)
            for mobject in scene.mobjects
            for part in mobject.get_family()
            if isinstance(part, Caption)
            for member in part.get_family()
        }
        owner: dict[int, object] = {}

        def name_of(member) -> str:
            """A glyph is named by the text it belongs to (looked up only for a problem)."""
            if not owner:
                owner.update((id(m), t) for t in texts_in(scene.mobjects) for m in t.get_family())
            return describe(owner.get(id(member), member))

        for mobject in scene.mobjects:
            for member in mobject.family_members_with_points():
                # A curtain over the whole frame (a fade to black) is not placed in it.
                if not visible(member) or getattr(member, "fills_the_frame", False):
                    continue
                (x0, y0), (x1, y1) = self.box_of_member(member)
                if x0 < -half_w - EDGE_SLACK or x1 > half_w + EDGE_SLACK:
                    self.report(
                        f"{name_of(member)} leaves the action-safe area: x {x0:.2f}..{x1:.2f}"
                    )
                if y0 < -half_h - EDGE_SLACK or y1 > half_h + EDGE_SLACK:
                    self.report(
                        f"{name_of(member)} leaves the action-safe area: y {y0:.2f}..{y1:.2f}"
                    )
                if id(member) not in caption and y0 < style.CAPTION_TOP - EDGE_SLACK:
                    self.report(f"{name_of(member)} enters the caption band: y {y0:.2f}")
        self.check_line_colours()
        shown = [t for t in texts_in(scene.mobjects) if text_opacity(t) >= FAINTLY_VISIBLE]
        texts = [t for t in shown if text_opacity(t) >= VISIBLE]
        # The screen's read-outs: a caption is narration, not a read-out (a cue's line may
        # start "Paris probability climb." where a read-out reads "Paris 59.4%").
        self.screens.append([reading(t) for t in texts if id(t) not in caption])
        self.bar_shares.append(bar_shares(scene))
        for t in texts:
            cap_px = self.cap_height(t) / config.frame_height * 1080
            if cap_px < MIN_CAP_PX_AT_1080P - 0.05:
                self.report(f"{describe(t)} is too small: capitals {cap_px:.1f} px at 1080p")
        boxes = [(t, self.box(t)) for t in shown]
        boxes = [(t, b) for t, b in boxes if b is not None]
        for k, (a, box_a) in enumerate(boxes):
            for b, box_b in boxes[k + 1 :]:
                if overlap(box_a, box_b):
                    self.report(f"{describe(a)} overlaps {describe(b)}")
        self.check_arrows()

    def check_arrows(self) -> None:
        """No two update arrows on screen overlap, as drawn: each one's points, widened by
        half its widest stroke (the dark outline), checked against every other's."""
        arrows = found_in(self.scene.mobjects, UpdateArrow)
        arrows = [a for a in arrows if drawn_opacity(a) >= FAINTLY_VISIBLE]
        boxes = [box for box in map(self.drawn_box, arrows) if box is not None]
        for k, box_a in enumerate(boxes):
            for box_b in boxes[k + 1 :]:
                if overlap(box_a, box_b):
                    self.report(
                        f"update arrow at {arrow_place(box_a)} overlaps the arrow at "
                        f"{arrow_place(box_b)}"
                    )

    def drawn_box(self, mobject) -> np.ndarray | None:
        """The mobject's box as drawn: its points' box, widened by half its widest stroke."""
        box = self.box(mobject)
        if box is None:
            return None
        widest = max(
            max(m.get_stroke_width(), m.get_stroke_width(background=True))
            for m in mobject.family_members_with_points()
        )
        return box + np.array([[-1.0, -1.0], [1.0, 1.0]]) * widest * 0.01 / 2

    def check_line_colours(self) -> None:
        """Every weight line on screen of the scene's network diagrams is in a colour of the
        legend: on the segment from POSITIVE to NEGATIVE in RGB (a line whose weight turns
        negative passes through the colours between)."""
        orange, blue = (
            np.array(style.channels(style.POSITIVE)) / 255,
            np.array(style.channels(style.NEGATIVE)) / 255,
        )
        along = blue - orange
        on_screen = {id(m) for mobject in self.scene.mobjects for m in mobject.get_family()}
        diagrams = [d for d in vars(self.scene).values() if isinstance(d, NetworkDiagram)]
        for diagram in diagrams:
            for line in diagram.all_lines:
                if id(line) not in on_screen or not visible(line):
                    continue
                colour = np.array(style.channels(line.get_stroke_color().to_hex())) / 255
                t = np.clip(np.dot(colour - orange, along) / np.dot(along, along), 0.0, 1.0)
                if np.linalg.norm(colour - (orange + t * along)) > COLOUR_SLACK:
                    self.report(
                        f"a weight line is drawn {line.get_stroke_color().to_hex()}, "
                        "not a colour of the legend"
                    )
                    return

    def box_of_member(self, member) -> np.ndarray:
        points = self.screen_points(member)
        return np.array([points[:, :2].min(axis=0), points[:, :2].max(axis=0)])

    def cap_height(self, t) -> float:
        kind = Text if isinstance(t, Text) else MathTex
        return t.font_size * self.cap[kind]

    def check_main_picture(self) -> None:
        """The beat's main picture fills most of the frame whenever part of it is on screen.
        A scene names a group of its parts, which need not be in the scene as a group, and
        which may come in part by part (a diagram column by column): the whole group's
        layout is measured, not only the parts shown so far."""
        featured = getattr(self.scene, "featured", None)
        if featured is None:
            return
        on_screen = {id(m) for mobject in self.scene.mobjects for m in mobject.get_family()}
        members = [m for m in featured.family_members_with_points() if visible(m)]
        if not any(id(member) in on_screen for member in members):
            return
        self.main_pictures += 1
        points = np.vstack([self.screen_points(member) for member in members])
        width, height = points[:, :2].max(axis=0) - points[:, :2].min(axis=0)
        w_share, h_share = width / config.frame_width, height / config.frame_height
        if w_share < MIN_WIDTH_SHARE and h_share < MIN_HEIGHT_SHARE:
            self.report(
                f"main picture {describe(featured)} spans only {w_share:.0%} of the width "
                f"and {h_share:.0%} of the height"
            )


def visible(mobject) -> bool:
    """Whether a member with points draws anything: a VMobject with some fill or stroke.
    Other mobjects (a ValueTracker keeps its value as a point) draw nothing."""
    if not isinstance(mobject, VMobject):
        return False
    fill = mobject.get_fill_opacity()
    stroke = mobject.get_stroke_opacity() if mobject.get_stroke_width() > 0 else 0.0
    return fill > 0.01 or stroke > 0.01


def text_opacity(t) -> float:
    return max((m.get_fill_opacity() for m in t.family_members_with_points()), default=0.0)


def drawn_opacity(mobject) -> float:
    """How strongly a drawing shows: its most opaque fill or stroke (a down arrow's head is
    an outline, with no fill)."""
    return max(
        (
            max(m.get_fill_opacity(), m.get_stroke_opacity() if m.get_stroke_width() > 0 else 0)
            for m in mobject.family_members_with_points()
        ),
        default=0.0,
    )


TEXT_KINDS = (Text, MathTex, Tex, DecimalNumber)


def found_in(mobjects, kinds) -> list:
    """The mobjects of these kinds among these mobjects and inside them (one not searched
    further: a Text's glyphs are the Text)."""
    found = []
    for mobject in mobjects:
        if isinstance(mobject, kinds):
            found.append(mobject)
        else:
            found.extend(found_in(mobject.submobjects, kinds))
    return found


def texts_in(mobjects) -> list:
    """The text-like mobjects among these and inside them: each Text, formula and number
    counts as one text."""
    return found_in(mobjects, TEXT_KINDS)


def arrow_place(box: np.ndarray) -> str:
    x, y = box.mean(axis=0)
    return f"({x:.2f}, {y:.2f})"


def bar_shares(scene) -> list[float]:
    """How full each probability bar on screen is (0 to 1), measured from its drawing; an
    empty list when the scene shows no bars."""
    bars = getattr(scene, "bars", None)
    if bars is None:
        return []
    on_screen = {id(member) for mobject in scene.mobjects for member in mobject.get_family()}
    if not all(id(bar) in on_screen for bar in bars.bars):
        return []
    return [bar.width / bars.length for bar in bars.bars]


def reading(t) -> str:
    """What a text reads as: a Text's string, a formula's TeX, a number's value as shown."""
    return texts_on_screen([t])[0]


def overlap(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(
        min(a[1][0], b[1][0]) - max(a[0][0], b[0][0]) > OVERLAP_SLACK
        and min(a[1][1], b[1][1]) - max(a[0][1], b[0][1]) > OVERLAP_SLACK
    )


def describe(mobject) -> str:
    if isinstance(mobject, Text):
        return f"Text {mobject.original_text!r}"
    if isinstance(mobject, MathTex | Tex):
        return f"formula {mobject.tex_string[:40]!r}"
    if isinstance(mobject, DecimalNumber):
        return f"number {mobject.number}"
    return type(mobject).__name__
