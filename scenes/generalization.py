"""Section 5, Generalization: the real loss landscape, the ball rolling down the real path,
and the closing card.

    MECHANICS_SEED=7 manim render -ql scenes/generalization.py Generalization

Cost shapes the beats (see MANIM-NOTES "Speed"): the surface is redrawn on every frame
only while the camera moves, so the camera moves twice, briefly; the ball rolls with the
camera still.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DEGREES,
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    Surface,
    ThreeDAxes,
    ThreeDScene,
    VGroup,
    linear,
)

from scenes import style
from scenes.diagram import card, text
from scenes.lesson_scene import Drawn, LessonScene, beat

PICTURE = (-6.8, 6.8, style.CAPTION_TOP + 0.1, 3.2)  # left, right, bottom, top of the surface
FIT_MARGIN = 0.95
HEIGHT_COLOURS = ["#2B5FD9", "#21A6A6", "#3DDC97", "#F5A524", "#FF5A4E"]  # low to high loss
WORDS = (
    ("Guess", 1, "The Forward Pass"),
    ("Measure", 2, "The Scorecard"),
    ("Wiggle", 3, "The Gradient"),
    ("Step", 4, "The Loop"),
)


def share_text(share: float) -> str:
    """Two decimals, so that 98.62% + 1.33% does not read as 100.0%."""
    return style.percent(share, decimals=2)


def grid_index(value: float, grid: np.ndarray) -> int:
    """The index of the evenly spaced grid point a sample coordinate stands on."""
    return int(round((value - grid[0]) / (grid[-1] - grid[0]) * (len(grid) - 1)))


class Generalization(LessonScene, ThreeDScene):
    section_number = 5

    def construct(self) -> None:
        self.show_title()
        self.show_the_landscape()
        self.roll_down_the_real_path()
        self.look_into_the_valley()
        self.close_the_loop()

    def pin(self, mobject):
        """Overlays stay flat on the screen while the camera moves around the surface."""
        self.renderer.camera.add_fixed_in_frame_mobjects(mobject)
        return mobject

    # The surface and the path, from the engine's grid -------------------------------------
    def build_axes(self) -> ThreeDAxes:
        """The slice's coordinate frame, used to place points but not drawn: its origin is
        the final weights, so its z-axis would stand as a pole in the middle of the valley."""
        land = self.lesson.landscape
        top = float(land.losses.max())
        return ThreeDAxes(
            x_range=[land.alphas[0], land.alphas[-1], land.alphas[-1] - land.alphas[0]],
            y_range=[land.betas[0], land.betas[-1], land.betas[-1] - land.betas[0]],
            z_range=[0.0, top, top],
            x_length=7.5,
            y_length=5.0,
            z_length=3.2,
            axis_config={"color": style.FAINT, "stroke_width": 1.5, "include_ticks": False},
            tips=False,
        )

    def build_surface(self) -> Surface:
        """The engine's loss grid as a surface: Surface samples u and v on the same evenly
        spaced grid as the engine, so every vertex stands at the engine's loss there."""
        land, axes = self.lesson.landscape, self.axes
        alphas, betas, losses = land.alphas, land.betas, land.losses

        def vertex(u: float, v: float) -> np.ndarray:
            i = grid_index(u, alphas)
            j = grid_index(v, betas)
            return axes.c2p(alphas[i], betas[j], losses[i, j])

        surface = Surface(
            vertex,
            u_range=[alphas[0], alphas[-1]],
            v_range=[betas[0], betas[-1]],
            resolution=(len(alphas) - 1, len(betas) - 1),
            fill_opacity=0.92,
            stroke_width=0.4,
            stroke_color=style.BACKGROUND,
            checkerboard_colors=False,
        )
        top = float(losses.max())
        bands = len(HEIGHT_COLOURS) - 1
        scale = [(colour, top * k / bands) for k, colour in enumerate(HEIGHT_COLOURS)]
        return surface.set_fill_by_value(axes=axes, colorscale=scale, axis=2)

    def framing(self, phi: float, theta: float) -> tuple[float, np.ndarray]:
        """The zoom and frame centre at which the whole surface, seen from (phi, theta),
        fills the picture area above the captions, centred in it, a little short of its
        edges (so a camera move between two framed views stays inside too)."""
        camera = self.renderer.camera
        saved = (camera.get_phi(), camera.get_theta(), camera.get_zoom(), camera.frame_center)
        points = np.vstack([face.points for face in self.surface])
        left, right, bottom, top = PICTURE
        centre = self.surface.get_center()
        camera.set_phi(phi)
        camera.set_theta(theta)
        camera.set_zoom(1.0)
        camera.reset_rotation_matrix()  # the camera caches it until it next draws
        for _ in range(4):  # perspective makes the shift a little uneven: settle it
            camera.frame_center = centre
            projected = camera.project_points(points)[:, :2]
            (x0, y0), (x1, y1) = projected.min(axis=0), projected.max(axis=0)
            zoom = FIT_MARGIN * min((right - left) / (x1 - x0), (top - bottom) / (y1 - y0))
            dx = (x0 + x1) / 2 - (left + right) / 2 / zoom
            dy = (y0 + y1) / 2 - (bottom + top) / 2 / zoom
            across, up = camera.get_rotation_matrix()[:2]
            centre = centre + dx * across + dy * up
        phi0, theta0, zoom0, centre0 = saved
        camera.set_phi(phi0)
        camera.set_theta(theta0)
        camera.set_zoom(zoom0)
        camera.frame_center = centre0
        camera.reset_rotation_matrix()
        return zoom, centre

    def path_point(self, step: int) -> np.ndarray:
        """Where the ball is at a step: the step's projection onto the slice, on the surface."""
        land = self.lesson.landscape
        alpha, beta = land.path[step]
        return self.axes.c2p(alpha, beta, land.path_losses[step])

    # Beats --------------------------------------------------------------------------------
    @beat
    def show_the_landscape(self) -> None:
        self.axes = self.build_axes()
        self.surface = self.feature(self.build_surface())
        start, overview = (58 * DEGREES, -125 * DEGREES), (64 * DEGREES, -105 * DEGREES)
        zoom, centre = self.framing(*start)
        self.set_camera_orientation(*start, zoom=zoom, frame_center=centre)
        key = VGroup(
            text("the slice's two directions:", size=style.VALUE_SIZE, colour=style.MUTED),
            self.number(
                "landscape.explained[0]", style.percent, prefix="main: ", suffix=" of the path"
            ),
            self.number(
                "landscape.explained[1]", style.percent, prefix="second: ", suffix=" of the path"
            ),
            text("height and colour: loss", size=style.VALUE_SIZE, colour=style.MUTED),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        key.to_corner(UL, buff=0.4).shift(1.45 * DOWN)
        self.key = self.pin(key)
        # The surface may pass under the key and the step read-out: they sit on a card,
        # as wide as the widest read-out ("Step 20" is wider than "Step 0").
        self.step_readout = self.readout_at(0)
        widest = self.readout_at(len(self.lesson.trace) - 1)
        self.backing = self.pin(card(VGroup(key, self.step_readout, widest), buff=0.2)[0])
        self.narrate(
            "Why does this work? Here is the real loss over a slice of weight space "
            "that holds the whole training path."
        )
        self.play(FadeIn(self.surface), FadeIn(self.backing), FadeIn(key), run_time=1.5)
        zoom, centre = self.framing(*overview)
        self.move_camera(*overview, zoom=zoom, frame_center=centre, run_time=1.2)
        self.hold_caption()

    @beat
    def roll_down_the_real_path(self) -> None:
        last = len(self.lesson.trace) - 1
        self.ball = Dot(self.path_point(0), radius=0.13, color=style.HIGHLIGHT)
        self.ball.set_stroke(style.BACKGROUND, 3, background=True)
        self.add_fixed_orientation_mobjects(self.ball)
        self.remove(self.ball)
        self.narrate("The ball is the state of our network: where training started.")
        self.play(FadeIn(self.ball), FadeIn(self.step_readout), run_time=0.8)
        self.measure_ball(0)
        self.hold_caption()
        self.narrate(
            "Each step of gradient descent moves it downhill: the real path, "
            "projected onto this slice."
        )
        trail = VGroup()
        for step in range(1, last + 1):
            segment = Line(self.path_point(step - 1), self.path_point(step))
            segment.set_stroke(style.HIGHLIGHT, 4)
            trail.add(segment)
            self.play(
                self.ball.animate.move_to(self.path_point(step)),
                Create(segment),
                run_time=0.9 if step < 4 else 0.35,
                rate_func=linear,
            )
            # The read-out turns over the moment the ball arrives: a morph between digits
            # would be unreadable at this pace.
            readout = self.readout_at(step)
            self.remove(self.step_readout)
            self.add(readout)
            self.step_readout = readout
            self.measure_ball(step)
        self.trail = trail
        self.key_frame("rolled_down")
        self.narrate(
            "The slice holds {share} of the path's movement; on it, the ball's height stays "
            "within {gap} of the real loss.",
            share=("landscape.explained.sum()", share_text),
            gap=("landscape.surface_gap", style.loss_value),
        )
        self.hold_caption()

    def readout_at(self, step: int) -> VGroup:
        """The step counter and the trace's real loss at that step, flat on the screen."""
        readout = VGroup(
            self.number(
                f"trace[{step}].index", style.step_number, size=style.READOUT_SIZE, prefix="Step "
            ),
            self.number(
                f"trace[{step}].loss",
                style.loss_value,
                size=style.READOUT_SIZE,
                colour=style.LOSS,
                prefix="Loss ",
            ),
        ).arrange(RIGHT, buff=0.4)
        return self.pin(readout.to_corner(UL, buff=0.4).shift(0.75 * DOWN))

    def measure_ball(self, step: int) -> None:
        """Record where the ball is drawn, read back into the slice's coordinates."""
        alpha, beta, height = self.axes.p2c(self.ball.get_center())
        land = f"landscape.path[{step}]"
        self.drawn.append(Drawn("ball alpha", alpha, f"{land}[0]"))
        self.drawn.append(Drawn("ball beta", beta, f"{land}[1]"))
        self.drawn.append(Drawn("ball height", height, f"landscape.path_losses[{step}]"))

    @beat
    def look_into_the_valley(self) -> None:
        view = (52 * DEGREES, -70 * DEGREES)
        zoom, centre = self.framing(*view)
        self.move_camera(*view, zoom=zoom, frame_center=centre, run_time=2.0)
        self.narrate(
            "We trained on one sentence, so this is all the film can claim: the loss fell. "
            "Trained on millions of examples, the same loop shapes valleys that many inputs share."
        )
        self.key_frame("valley")
        self.hold_caption()

    @beat
    def close_the_loop(self) -> None:
        self.play(
            FadeOut(VGroup(self.surface, self.ball, self.trail)),
            FadeOut(self.key),
            FadeOut(self.backing),
            FadeOut(self.step_readout),
            run_time=1.0,
        )
        self.set_camera_orientation(phi=0, theta=-90 * DEGREES, zoom=1.0, frame_center=[0, 0, 0])
        columns = VGroup()
        for word, number, title in WORDS:
            columns.add(
                VGroup(
                    text(word, size=style.TITLE_SIZE * 0.85, weight="BOLD"),
                    self.layout_text(
                        f"{number}  {title}", size=style.VALUE_SIZE, colour=style.MUTED
                    ),
                ).arrange(DOWN, buff=0.25)
            )
        columns.arrange(RIGHT, buff=0.55, aligned_edge=UP).move_to([0, 0.3, 0])
        lowest = min(column[1].get_top()[1] for column in columns)
        for column in columns:
            # Each line starts with its section's digit: line the digits' tops up.
            column[1].shift((lowest - column[1].get_top()[1]) * UP)
        self.pin(columns)
        self.feature(columns)
        self.narrate("You have mastered the loop: Guess, Measure, Wiggle, Step.")
        for column in columns:
            self.play(FadeIn(column, shift=0.2 * DOWN), run_time=0.6)
        self.key_frame("closing_card")
        self.wait(1.0)
        self.hold_caption()
