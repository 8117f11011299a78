"""Section 5, Generalization: the real loss landscape, a valley with the ball rolling down
the real path; and a second run that trains on many sentences and answers held-out ones
right. As the film's last section, it ends with the film's closing card (scenes/closing.py).

    python render.py --seed 7 --quality preview --sections generalization

Cost shapes the beats (see MANIM-NOTES "Speed"): the surface is redrawn on every frame
only while the camera moves, so the camera moves twice, briefly; the ball rolls with the
camera still.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DEGREES,
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UL,
    UP,
    Circle,
    Create,
    DashedLine,
    DashedVMobject,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    Rectangle,
    Square,
    Surface,
    Text,
    ThreeDAxes,
    ThreeDScene,
    Transform,
    VGroup,
    VMobject,
    linear,
)

from mechanics import formatting as fmt
from scenes import style
from scenes.answer_map import AnswerMap, held_out_marker, trained_marker
from scenes.chart import Chart
from scenes.diagram import card
from scenes.lesson_scene import LessonScene, beat
from scenes.style import text
from scenes.surface_camera import SurfaceCamera


@dataclass(frozen=True)
class View:
    """A camera state: where it looks from, how far zoomed, at what centre."""

    phi: float
    theta: float
    zoom: float
    centre: np.ndarray


@dataclass(frozen=True)
class LossCurve:
    """One of the second run's loss curves and its read-out."""

    series: str  # the SecondRun field it plots, one loss per step
    words: str  # the read-out's prefix
    colour: str
    width: float
    dashed: bool  # the held-out curve is dashed: the two curves often run together


LOSS_CURVES = (
    LossCurve("train_losses", "trained on", style.LOSS, 6, dashed=False),
    LossCurve("held_out_losses", "held out", style.INK, 4, dashed=True),
)
DASH = 0.16  # frame units: one dash and its gap along a dashed curve
DASHED_RATIO = 0.55


# Right, bottom and top of the surface's picture (above the captions, inside the action-safe
# area); its left is the key card's right edge plus this gap.
PICTURE = (style.FRAME_RIGHT, style.CAPTION_TOP + 0.1, style.PICTURE_TOP)
KEY_LEFT = -style.FRAME_RIGHT + 0.2  # the key's left edge: its card (0.2 around) stays inside
PICTURE_GAP = 0.3
FIT_MARGIN = 0.95
# (phi, theta): the valley runs along x, so from theta near 0 the camera looks along it,
# down onto the floor between the walls, with the path's end nearest.
START_VIEW = (60 * DEGREES, -35 * DEGREES)  # as the surface fades in: the walls from aside
ROLL_VIEW = (58 * DEGREES, -20 * DEGREES)  # while the ball rolls toward the viewer
FLOOR_VIEW = (48 * DEGREES, -5 * DEGREES)  # straight along the floor, past the path's end
MAP_SIDE = 3.5
CHART_SIZE = (3.0, 2.6)  # the second run's loss chart
PICTURES_APART = 0.45  # between the two maps and the chart, with their axis labels
LIT_SNAPSHOTS = 3  # the maps' axis labels stay lit this many snapshots as they are named


def grid_index(value: float, grid: np.ndarray) -> int:
    """The index of the evenly spaced grid point a sample coordinate stands on."""
    return int(round((value - grid[0]) / (grid[-1] - grid[0]) * (len(grid) - 1)))


class Generalization(LessonScene, ThreeDScene):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, camera_class=SurfaceCamera, **kwargs)

    def construct(self) -> None:
        self.show_title()
        self.show_the_landscape()
        self.roll_down_the_real_path()
        self.look_along_the_floor()
        self.introduce_the_second_run()
        self.train_on_many_sentences()
        self.test_the_held_out_sentences()

    @beat
    def show_title(self) -> None:
        """The title card, then the header, kept to be taken down before the closing card."""
        self.section_header = self.title_card()

    def pin(self, mobject):
        """Overlays stay flat on the screen while the camera moves around the surface."""
        self.renderer.camera.add_fixed_in_frame_mobjects(mobject)
        return mobject

    # The surface and the path, from the engine's grid -------------------------------------
    def build_axes(self) -> ThreeDAxes:
        """The sheet's coordinate frame, used to place points but not drawn."""
        land = self.lesson.landscape
        top = float(land.losses.max())
        distances, offsets = land.distances, land.offsets
        return ThreeDAxes(
            x_range=[distances[0], distances[-1], distances[-1] - distances[0]],
            y_range=[offsets[0], offsets[-1], offsets[-1] - offsets[0]],
            z_range=[0.0, top, top],
            x_length=6.0,
            y_length=7.0,
            z_length=3.2,
            axis_config={"color": style.FAINT, "stroke_width": 1.5, "include_ticks": False},
            tips=False,
        )

    def build_surface(self) -> Surface:
        """The engine's loss grid as a surface: Surface samples u and v on the same evenly
        spaced grid as the engine, so every vertex stands at the engine's loss there."""
        land, axes = self.lesson.landscape, self.axes
        distances, offsets, losses = land.distances, land.offsets, land.losses

        def vertex(u: float, v: float) -> np.ndarray:
            i = grid_index(u, distances)
            j = grid_index(v, offsets)
            return axes.c2p(distances[i], offsets[j], losses[i, j])

        surface = Surface(
            vertex,
            u_range=[distances[0], distances[-1]],
            v_range=[offsets[0], offsets[-1]],
            resolution=(len(distances) - 1, len(offsets) - 1),
            fill_opacity=0.92,
            stroke_width=0.6,
            stroke_color=style.BACKGROUND,
            checkerboard_colors=False,
        )
        scale = style.height_scale(losses)
        return surface.set_fill_by_value(axes=axes, colorscale=scale, axis=2)

    def view(self, phi: float, theta: float) -> View:
        """The view from (phi, theta) at the zoom and frame centre at which the whole
        surface fills the picture area above the captions, centred in it, a little short of
        its edges (so a camera move between two framed views stays inside too)."""
        camera = self.renderer.camera
        saved = self.current_view()
        points = np.vstack([face.points for face in self.surface])
        right, bottom, top = PICTURE
        left = self.grown_backing.get_right()[0] + PICTURE_GAP
        centre = self.surface.get_center()
        self.aim_camera(View(phi, theta, 1.0, centre))
        for _ in range(4):  # perspective makes the shift a little uneven: settle it
            camera.frame_center = centre
            projected = camera.project_points(points)[:, :2]
            (x0, y0), (x1, y1) = projected.min(axis=0), projected.max(axis=0)
            zoom = FIT_MARGIN * min((right - left) / (x1 - x0), (top - bottom) / (y1 - y0))
            dx = (x0 + x1) / 2 - (left + right) / 2 / zoom
            dy = (y0 + y1) / 2 - (bottom + top) / 2 / zoom
            across, up = camera.get_rotation_matrix()[:2]
            centre = centre + dx * across + dy * up
        self.aim_camera(saved)
        return View(phi, theta, zoom, centre)

    def aim_camera(self, view: View) -> None:
        """Set the camera to a view at once, outside any animation, ready to project."""
        camera = self.renderer.camera
        camera.set_phi(view.phi)
        camera.set_theta(view.theta)
        camera.set_zoom(view.zoom)
        camera.frame_center = view.centre
        camera.reset_rotation_matrix()  # the camera caches it until it next draws

    def current_view(self) -> View:
        camera = self.renderer.camera
        return View(camera.get_phi(), camera.get_theta(), camera.get_zoom(), camera.frame_center)

    def note_still_view(self) -> None:
        """Note the camera, held still while the path is on screen, for the same test."""
        self.moves_with_path.append((self.current_view(), self.current_view()))

    def turn_camera(self, to: View, run_time: float) -> None:
        """Move the camera to a view; moves made while the path is on screen are noted, so
        a test can check that the surface never hides the ball or its trail."""
        if self.ball is not None:
            self.moves_with_path.append((self.current_view(), to))
        self.move_camera(to.phi, to.theta, zoom=to.zoom, frame_center=to.centre, run_time=run_time)

    def path_point(self, step: int) -> np.ndarray:
        """Where the ball is at a step: the step's own weights on the sheet, at its loss."""
        land = self.lesson.landscape
        along, across = land.path[step]
        return self.axes.c2p(along, across, land.path_losses[step])

    # Beats: the valley --------------------------------------------------------------------
    @beat
    def show_the_landscape(self) -> None:
        self.axes = self.build_axes()
        self.surface = self.feature(self.build_surface())
        self.ball = None
        self.moves_with_path: list[tuple[View, View]] = []
        key = VGroup(
            text("along: the training path", size=style.VALUE_SIZE, colour=style.MUTED),
            text("across: steepest curve up", size=style.VALUE_SIZE, colour=style.MUTED),
            text("height, colour: loss", size=style.VALUE_SIZE, colour=style.MUTED),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        key.to_corner(UL, buff=0.4).shift(1.45 * DOWN).align_to([KEY_LEFT, 0, 0], LEFT)
        self.key = self.pin(key)
        # The surface may pass under the key and the step read-out: they sit on a card, which
        # grows to hold the read-out when the ball comes, as wide as the widest read-out
        # ("Step 20" is wider than "Step 0"). The surface is framed right of the grown card.
        self.step_readout = self.readout_at(0)
        widest = self.readout_at(len(self.lesson.trace) - 1)
        self.grown_backing = self.pin(card(VGroup(key, self.step_readout, widest), buff=0.2)[0])
        self.backing = self.pin(card(key, buff=0.2)[0])
        self.backing.stretch_to_fit_width(self.grown_backing.width, about_edge=LEFT)
        start = self.view(*START_VIEW)
        self.set_camera_orientation(
            start.phi, start.theta, zoom=start.zoom, frame_center=start.centre
        )
        with self.narration(
            "The real loss on a sheet of weight space: ^along it runs the training path; "
            "^across it, the loss ^rises on both sides."
        ) as line:
            self.play(FadeIn(self.surface), FadeIn(self.backing), FadeIn(key), run_time=1.5)
            line.wait_for("along")
            self.point_out(key[0], style.HIGHLIGHT, run_time=1.0, swell=False)
            line.wait_for("across")
            self.point_out(key[1], style.HIGHLIGHT, run_time=1.0, swell=False)
            line.wait_for("rises")
            self.turn_camera(self.view(*ROLL_VIEW), run_time=1.2)

    @beat
    def roll_down_the_real_path(self) -> None:
        last = len(self.lesson.trace) - 1
        self.ball = Dot(self.path_point(0), radius=0.13, color=style.HIGHLIGHT)
        self.ball.set_stroke(style.BACKGROUND, 3, background=True)
        self.add_fixed_orientation_mobjects(self.ball)
        self.remove(self.ball)
        with self.narration("The ball is our network's state where training ^started.") as line:
            self.play(Transform(self.backing, self.grown_backing), run_time=0.4)
            self.play(FadeIn(self.ball), FadeIn(self.step_readout), run_time=0.6)
            self.measure_ball(0)
            line.wait_for("started")
            self.point_out(self.step_readout, style.HIGHLIGHT, run_time=1.0, swell=False)
        self.note_still_view()
        self.trail = VGroup()
        steps = list(range(1, last + 1))
        self.roll_during(
            "Each step of gradient descent rolls it down the valley floor, at the real loss.",
            steps[:4],
        )
        self.roll_during(
            "Watch the loss read-out fall as the ball rolls: every height is a real loss.",
            steps[4:],
        )
        self.key_frames.save("rolled_down")

    def roll_during(self, words: str, steps: list[int]) -> None:
        """The ball rolls `steps` while the line is said, spread over it (each step one
        play: the surface is drawn once per play)."""
        with self.narration(words) as line:
            each = max(0.35, line.needed / len(steps))
            for step in steps:
                segment = Line(self.path_point(step - 1), self.path_point(step))
                segment.set_stroke(style.HIGHLIGHT, 4)
                self.trail.add(segment)
                self.play(
                    self.ball.animate.move_to(self.path_point(step)),
                    Create(segment),
                    run_time=min(each, 0.9),
                    rate_func=linear,
                )
                # The read-out turns over the moment the ball arrives: a morph between digits
                # would be unreadable at this pace.
                readout = self.readout_at(step)
                self.remove(self.step_readout)
                self.add(readout)
                self.step_readout = readout
                self.measure_ball(step)

    def readout_at(self, step: int) -> VGroup:
        """The step counter and the trace's real loss at that step, flat on the screen."""
        readout = VGroup(
            self.record.number(
                self.src.trace[step].index, fmt.whole, size=style.READOUT_SIZE, prefix="Step "
            ),
            self.record.number(
                self.src.trace[step].loss,
                fmt.loss_value,
                size=style.READOUT_SIZE,
                colour=style.LOSS,
                prefix="Loss ",
            ),
        ).arrange(RIGHT, buff=0.4)
        readout.to_corner(UL, buff=0.4).shift(0.75 * DOWN).align_to([KEY_LEFT, 0, 0], LEFT)
        return self.pin(readout)

    def measure_ball(self, step: int) -> None:
        """Record where the ball is drawn, read back into the sheet's coordinates."""
        along, across, height = self.axes.p2c(self.ball.get_center())
        self.record.drew("ball along", along, self.src.landscape.path[step][0])
        self.record.drew("ball across", across, self.src.landscape.path[step][1])
        self.record.drew("ball height", height, self.src.landscape.path_losses[step])

    @beat
    def look_along_the_floor(self) -> None:
        last = len(self.lesson.trace) - 1
        first_slope, last_slope, far_end = self.floor_numbers()
        with self.narration(
            "The floor flattens: the slope shrank from ^{first} to ^{last}.",
            first=(self.src.trace[0].slope, fmt.plain),
            last=(self.src.trace[last].slope, fmt.plain),
        ) as line:
            self.turn_camera(self.view(*FLOOR_VIEW), run_time=1.6)
            self.note_still_view()
            line.wait_for("first", lead=style.NUMBER_LEAD)
            self.play(FadeIn(first_slope), run_time=style.NUMBER_FADE)
            line.wait_for("last", lead=style.NUMBER_LEAD)
            self.play(FadeIn(last_slope), run_time=style.NUMBER_FADE)
            self.key_frames.save("valley")
        with self.narration(
            "Past step {last} it still sinks, to ^{beyond}: there is no ^lowest point. "
            "We ^stop where the loss is small.",
            last=(self.src.trace[last].index, fmt.whole),
            beyond=(self.src.landscape.beyond, fmt.loss_value),
        ) as line:
            self.floor_beyond = self.floor_past_the_end()
            self.play(Create(self.floor_beyond), run_time=1.2, rate_func=linear)
            self.bring_to_front(self.ball)  # the line starts under the ball, not across it
            line.wait_for("beyond", lead=style.NUMBER_LEAD)
            self.play(FadeIn(far_end), run_time=style.NUMBER_FADE)
            line.wait_for("lowest")
            self.point_out(self.floor_beyond[1], style.HIGHLIGHT, run_time=1.0)
            line.wait_for("stop")
            self.point_out(self.step_readout, style.HIGHLIGHT, run_time=1.0, swell=False)

    def floor_numbers(self) -> tuple[Text, Text, Text]:
        """The numbers said of the floor, written under the card as they are said: the slope
        at the first and the last step, and the loss at the sheet's far end."""
        last = len(self.lesson.trace) - 1
        size, muted = style.VALUE_SIZE, style.MUTED
        first_slope = self.record.number(
            self.src.trace[0].slope,
            fmt.plain,
            size=size,
            colour=muted,
            prefix="slope, first step: ",
        )
        last_slope = self.record.number(
            self.src.trace[last].slope,
            fmt.plain,
            size=size,
            colour=muted,
            prefix="slope, last step: ",
        )
        far_end = self.record.number(
            self.src.landscape.beyond,
            fmt.loss_value,
            size=size,
            colour=style.LOSS,
            prefix="loss at the far end: ",
        )
        column = VGroup(first_slope, last_slope, far_end).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        column.next_to(self.grown_backing, DOWN, buff=0.3).align_to(self.grown_backing, LEFT)
        column.shift(0.2 * RIGHT)
        self.floor_column = self.pin(column)
        return first_slope, last_slope, far_end

    def floor_past_the_end(self) -> VGroup:
        """The floor from the path's end to the sheet's far end: a dashed line through the
        engine's grid points on the path's line (offset 0), and a ring where it ends."""
        land = self.lesson.landscape
        middle = len(land.offsets) // 2
        beyond = np.flatnonzero(land.distances > land.path[-1, 0])
        points = [self.path_point(len(self.lesson.trace) - 1)] + [
            self.axes.c2p(land.distances[i], land.offsets[middle], land.losses[i, middle])
            for i in beyond
        ]
        line = VMobject().set_points_as_corners(points)
        dashed = DashedVMobject(line, num_dashes=10).set_stroke(style.INK, 6)
        end = Circle(radius=0.13).move_to(points[-1]).set_stroke(style.INK, 5)
        self.add_fixed_orientation_mobjects(end)
        self.remove(end)
        self.floor_line = line  # its corners, for the tests
        return VGroup(dashed, end)

    # Beats: the second run ----------------------------------------------------------------
    @beat
    def introduce_the_second_run(self) -> None:
        self.play(
            FadeOut(VGroup(self.surface, self.ball, self.trail, self.floor_beyond)),
            FadeOut(self.key),
            FadeOut(self.floor_column),
            FadeOut(self.backing),
            FadeOut(self.step_readout),
            run_time=1.0,
        )
        self.ball = None
        self.set_camera_orientation(phi=0, theta=-90 * DEGREES, zoom=1.0, frame_center=[0, 0, 0])
        self.lay_out_the_second_run()
        # Every set of map cells drawn, as (snapshot, map, cells): tests read their colours.
        self.maps_shown: list[tuple[int, AnswerMap, VGroup]] = [
            (0, self.before, self.before.cells),
            (0, self.after, self.after.cells),
        ]
        before_labels, after_labels = self.map_labels
        with self.narration(
            "One sentence can only be memorized. A ^second run: the ^same starting network, "
            "taught ^{train} sentences; {held} more are ^held out.",
            train=(self.src.second_run.train_count, fmt.whole),
            held=(self.src.second_run.held_out_count, fmt.whole),
        ) as line:
            self.play(
                self.reveal(self.before),
                FadeIn(self.before_title),
                FadeIn(before_labels),
                run_time=1.0,
            )
            line.wait_for("second")
            self.play(FadeIn(self.legend), run_time=0.8)
            line.wait_for("same")  # the run starts from the same network: its map, its numbers
            self.play(
                self.reveal(self.after),
                FadeIn(after_labels),
                FadeIn(self.before_count),
                FadeIn(self.second_readouts),
                self.chart.draw(),
                FadeIn(self.chart_labels),
                run_time=1.0,
            )
            line.wait_for("train", lead=0.1)
            self.point_out(self.legend[-2], style.HIGHLIGHT, run_time=0.9)
            line.wait_for("held")
            self.point_out(self.legend[-1], style.HIGHLIGHT, run_time=0.9)

    def lay_out_the_second_run(self) -> None:
        """The legend on top; under it the map before training, the map as training goes,
        each with its axes named, and the loss chart; the whole centred between the header
        and the caption band."""
        self.before = self.answer_map(0)
        self.after = self.answer_map(0)
        self.map_labels = [self.map_axis_labels(m) for m in (self.before, self.after)]
        self.chart = self.loss_chart()
        row = VGroup(
            VGroup(self.before, self.map_labels[0]),
            VGroup(self.after, self.map_labels[1]),
            VGroup(self.chart, self.chart_labels),
        ).arrange(RIGHT, buff=PICTURES_APART)
        # The chart's axis stands on the maps' bottom edge, its read-outs above it.
        lift = self.before.border.get_bottom()[1] - self.chart.axes.get_bottom()[1]
        VGroup(self.chart, self.chart_labels).shift(lift * UP)
        row.move_to([0, row.get_center()[1], 0])
        before_title = text("before training", size=style.LABEL_SIZE, colour=style.MUTED)
        self.before_title = before_title.next_to(self.before.border, UP, buff=0.15)
        self.before_count = self.held_out_count(0).next_to(self.map_labels[0][0], DOWN, buff=0.12)
        self.second_readouts = self.second_run_readouts(0)
        self.legend = self.answer_legend().next_to(self.before_title, UP, buff=0.25)
        self.legend.set_x(0)
        picture = VGroup(
            row, self.before_title, self.before_count, self.second_readouts, self.legend
        )
        self.centre_picture(picture, x=picture.get_center()[0])
        # What moves with the picture: the readouts made later stand beside its parts.
        everything = VGroup(self.before, self.after, self.chart, self.chart_labels)
        self.feature(everything)
        self.pin(VGroup(picture, *self.map_labels))

    def map_axis_labels(self, answer_map: AnswerMap) -> VGroup:
        """What a map's two axes are: the network's inputs for the second and third tokens
        (the first is the same for every sentence), under the map and along its left side,
        each with an arrow the way the input grows."""
        tokens = self.lesson.tokens
        size, colour = style.VALUE_SIZE, style.MUTED
        across = text(f"\u201c{tokens[1]}\u201d input \u2192", size=size, colour=colour)
        across.next_to(answer_map.border, DOWN, buff=0.1)
        up = text(f"\u201c{tokens[2]}\u201d input \u2192", size=size, colour=colour)
        up.rotate(np.pi / 2).next_to(answer_map.border, LEFT, buff=0.1)
        return VGroup(across, up)

    def cover(self, answer_map: AnswerMap) -> Rectangle:
        """An opaque card over a map. Maps come and go under a fading cover rather than
        fading themselves: a half-transparent map would show the seams of its cells."""
        side = answer_map.border.width + 0.1
        cover = Rectangle(width=side, height=side).set_fill(style.BACKGROUND, 1.0)
        return self.pin(cover.set_stroke(width=0).move_to(answer_map.border))

    def reveal(self, answer_map: AnswerMap) -> FadeOut:
        """Put a map on screen under a cover, and lift the cover."""
        self.add(answer_map)
        cover = self.cover(answer_map)
        self.add(cover)
        return FadeOut(cover)

    def answer_map(self, snapshot: int) -> AnswerMap:
        """The answer map at a snapshot, with every sentence marked."""
        run = self.lesson.second_run
        sentences = run.sentences
        answer_map = AnswerMap(run.maps[snapshot], run.map_axis, side=MAP_SIDE)
        answer_map.mark(sentences.inputs, sentences.answers, sentences.held_out)
        return answer_map

    def held_out_count(self, snapshot: int) -> Text:
        return self.record.worded(
            "held out right: {right} of {held}",
            size=style.VALUE_SIZE,
            right=(self.src.second_run.held_out_right[snapshot], fmt.whole),
            held=(self.src.second_run.held_out_count, fmt.whole),
        )

    def answer_legend(self) -> VGroup:
        """Each candidate as the map shows it: a swatch of its region's colour with a
        sentence's dot in its own colour on it; then the two marker shapes."""
        entries = VGroup()
        for answer, candidate in enumerate(self.lesson.candidates):
            swatch = Square(side_length=0.3).set_fill(style.region_colour(answer), 1.0)
            swatch.set_stroke(width=0)
            dot = trained_marker(style.ANSWER_COLOURS[answer]).move_to(swatch)
            entries.add(
                VGroup(VGroup(swatch, dot), text(candidate, size=style.VALUE_SIZE)).arrange(
                    RIGHT, buff=0.1
                )
            )
        run = self.src.second_run
        shapes = (  # with how many sentences each stands for, as the voice says them
            (trained_marker(style.INK), "{n} taught", run.train_count),
            (held_out_marker(style.FAINT), "{n} held out", run.held_out_count),
        )
        for marker, words, count in shapes:
            label = self.record.worded(
                words, size=style.VALUE_SIZE, colour=style.MUTED, n=(count, fmt.whole)
            )
            entries.add(VGroup(marker, label).arrange(RIGHT, buff=0.1))
        return entries.arrange(RIGHT, buff=0.35)

    def loss_chart(self) -> Chart:
        """Training and held-out loss per step, axes from 0 to the first loss rounded up."""
        run = self.lesson.second_run
        steps = len(run.train_losses) - 1
        first = max(run.train_losses[0], run.held_out_losses[0])
        top = float(np.ceil(first * 2.0) / 2.0)
        chart = Chart(
            (0, steps),
            (0.0, top),
            width=CHART_SIZE[0],
            height=CHART_SIZE[1],
            x_ticks=[(0, "0"), (steps, f"{steps}")],
            y_ticks=[(0.0, "0"), (top, f"{top:g}")],
            tick_label=self.record.layout_text,
        )
        self.chart_labels = chart.axis_labels(("step", style.MUTED), ("loss", style.MUTED))
        self.curves = {curve.series: VGroup() for curve in LOSS_CURVES}
        self.curves_drawn = {curve.series: VGroup() for curve in LOSS_CURVES}
        return chart

    @staticmethod
    def curve_swatch(curve: LossCurve) -> VMobject:
        """A short stretch of a curve's line, for its read-out: the curve's legend."""
        if curve.dashed:
            return DashedLine(
                ORIGIN, 0.5 * RIGHT, dash_length=DASH * DASHED_RATIO, dashed_ratio=DASHED_RATIO
            ).set_stroke(curve.colour, curve.width)
        return Line(ORIGIN, 0.5 * RIGHT).set_stroke(curve.colour, curve.width)

    def second_run_readouts(self, snapshot: int) -> VGroup:
        """The after-map's step, its held-out count, and both losses at that step, each
        beside its curve's line (the chart's legend)."""
        run = self.lesson.second_run
        step = int(run.snapshot_steps[snapshot])
        title = self.record.number(
            self.src.second_run.snapshot_steps[snapshot],
            fmt.whole,
            size=style.LABEL_SIZE,
            prefix="training: step ",
        ).next_to(self.after.border, UP, buff=0.15)
        count = self.held_out_count(snapshot).next_to(self.map_labels[1][0], DOWN, buff=0.12)
        losses = VGroup()
        for curve in LOSS_CURVES:
            value = self.record.number(
                getattr(self.src.second_run, curve.series)[step],
                fmt.loss_value,
                size=style.VALUE_SIZE,
                colour=curve.colour,
                prefix=f"{curve.words}: ",
            )
            losses.add(VGroup(self.curve_swatch(curve), value).arrange(RIGHT, buff=0.12))
        losses.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        losses.next_to(self.chart.axes, UP, buff=0.3).align_to(self.chart.axes, LEFT)
        return self.pin(VGroup(title, count, losses))

    def curve_piece(self, curve: LossCurve, first: int, last: int) -> VMobject:
        """A loss curve from step `first` to step `last`, through the engine's losses at
        every step; a dashed curve is drawn as dashes cut from that line."""
        losses = getattr(self.lesson.second_run, curve.series)
        points = [self.chart.c2p(step, losses[step]) for step in range(first, last + 1)]
        piece = VMobject().set_points_as_corners(points).set_stroke(curve.colour, curve.width)
        self.curves[curve.series].add(piece)
        if curve.dashed:
            length = sum(np.linalg.norm(b - a) for a, b in zip(points, points[1:], strict=False))
            piece = DashedVMobject(
                piece, num_dashes=max(1, round(length / DASH)), dashed_ratio=DASHED_RATIO
            ).set_stroke(curve.colour, curve.width)
        self.curves_drawn[curve.series].add(piece)
        return self.pin(piece)

    @beat
    def train_on_many_sentences(self) -> None:
        run = self.lesson.second_run
        snapshots = list(range(1, len(run.snapshot_steps)))
        with self.narration(
            "Now train. The held-out loss starts at ^{first}.",
            first=(self.src.second_run.held_out_losses[0], fmt.loss_value),
        ) as line:
            line.wait_for("first")
            self.point_out(self.second_readouts[2][1], style.HIGHLIGHT, run_time=1.0)
        tokens = self.lesson.tokens
        with self.narration(
            f"Watch it fall with the training loss, as the map of answers over the "
            f'^"{tokens[1]}" and "{tokens[2]}" inputs redraws.'
        ) as line:
            each = max(0.4, line.needed / len(snapshots))
            # The axes light up as the voice names them, through the snapshot playing then,
            # and stay lit while both are said (a light of one snapshot, about 0.4 s, was
            # gone before the second name).
            labels = VGroup(*self.map_labels)
            lit = min(int(line.time_of(tokens[1].lower()) / each), len(snapshots) - 1)
            unlit = min(lit + LIT_SNAPSHOTS, len(snapshots) - 1)
            for k, snapshot in enumerate(snapshots):
                also = []
                if k == lit:
                    also = [labels.animate.set_color(style.HIGHLIGHT)]
                elif k == unlit:
                    also = [labels.animate.set_color(style.MUTED)]
                self.train_to(snapshot, run_time=each, also=also)
            if unlit == lit:  # named with the last snapshot: the light goes after it
                self.play(labels.animate.set_color(style.MUTED), run_time=0.4)
            self.key_frames.save("second_run_trained")
        with self.narration(
            "It ends at ^{last}.",
            last=(self.src.second_run.held_out_losses[-1], fmt.loss_value),
        ) as line:
            line.wait_for("last")
            self.point_out(self.second_readouts[2][1], style.HIGHLIGHT, run_time=1.0)

    def train_to(self, snapshot: int, run_time: float, also: list | None = None) -> None:
        """The second run from the last snapshot to this one: the loss curves grow, then the
        map, the step and the numbers turn over together, on one frame."""
        run = self.lesson.second_run
        first, last = run.snapshot_steps[snapshot - 1], run.snapshot_steps[snapshot]
        pieces = [self.curve_piece(curve, first, last) for curve in LOSS_CURVES]
        self.play(
            *(Create(piece, rate_func=linear) for piece in pieces),
            *(also or []),  # with its own timing: a light that comes and goes
            run_time=run_time,
        )
        cells = self.pin(self.after.cells_for(run.maps[snapshot]))
        self.after.remove(self.after.cells)
        self.after.cells = cells
        self.after.insert(0, cells)  # under the border and the markers
        self.maps_shown.append((snapshot, self.after, cells))
        readouts = self.second_run_readouts(snapshot)
        self.remove(self.second_readouts)
        self.add(readouts)
        self.second_readouts = readouts

    @beat
    def test_the_held_out_sentences(self) -> None:
        with self.narration(
            "^Before training, {before} of {held} held-out sentences were ^answered right; "
            "^now {after} of {held} land in their answer's ^region: generalization.",
            before=(self.src.second_run.held_out_right[0], fmt.whole),
            after=(self.src.second_run.held_out_right[-1], fmt.whole),
            held=(self.src.second_run.held_out_count, fmt.whole),
        ) as line:
            line.wait_for("before")
            self.point_out(self.before_count, style.HIGHLIGHT, run_time=1.0)
            line.wait_for("answered")
            self.ring(self.held_out_markers(self.before))
            line.wait_for("now")
            self.point_out(self.second_readouts[1], style.HIGHLIGHT, run_time=1.0)
            line.wait_for("region")
            self.ring(self.held_out_markers(self.after))

    def held_out_markers(self, answer_map: AnswerMap) -> VGroup:
        held_out = self.lesson.second_run.sentences.held_out
        return VGroup(*(m for m, h in zip(answer_map.markers, held_out, strict=True) if h))

    def ring(self, markers: VGroup) -> None:
        """Ring the markers for a moment: the sentences the voice is talking about."""
        rings = VGroup(
            *(Circle(radius=0.2).move_to(marker).set_stroke(style.INK, 4) for marker in markers)
        )
        self.pin(rings)
        self.play(Create(rings), run_time=0.6)
        self.play(FadeOut(rings), run_time=0.4)

    # Making way for the film's closing card (scenes/closing.py) --------------------------
    def leave_for_the_closing_card(self) -> None:
        """The second run's pictures leave in one fade, the maps under covers (fading, they
        would show the seams of their cells), the header with them. A variation of the scene
        cut short of the second run (a test's) leaves as any scene does."""
        if not hasattr(self, "chart"):
            super().leave_for_the_closing_card()
            return
        maps = (self.before, self.after)
        covers = [self.cover(answer_map) for answer_map in maps]
        self.play(
            *(FadeIn(cover) for cover in covers),
            FadeOut(VGroup(self.chart, self.chart_labels, *self.map_labels)),
            FadeOut(VGroup(self.before_title, self.before_count, self.legend)),
            FadeOut(VGroup(self.second_readouts, *self.curves_drawn.values())),
            FadeOut(self.section_header),
            run_time=1.0,
        )
        self.remove(*maps, *covers)
