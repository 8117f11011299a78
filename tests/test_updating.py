"""Read-outs and markers that rebuild only when their sample changes look, frame for frame,
exactly as Manim's always_redraw draws them, while building far less often."""

from __future__ import annotations

from manim import (
    LEFT,
    RIGHT,
    UP,
    Circle,
    DashedLine,
    FadeIn,
    Indicate,
    Scene,
    ValueTracker,
    always_redraw,
)

from scenes.updating import redrawn, when_changed

from .scene_rendering import frames_drawn_by


class Marker(Scene):
    """A dashed marker following a tracker through the plays a section puts it through:
    faded in, moved, flashed while still, and held while something else moves."""

    builds = 0

    @staticmethod
    def redraw(build, *inputs):
        return always_redraw(build)

    def construct(self) -> None:
        tracker = ValueTracker(0.0)

        def build() -> DashedLine:
            type(self).builds += 1
            return DashedLine(2 * LEFT, [tracker.get_value(), 1.0, 0.0]).set_stroke(width=6)

        marker = self.redraw(build, tracker.get_value)
        self.play(FadeIn(marker), run_time=1.0)
        self.play(tracker.animate.set_value(2.5), run_time=1.0)
        self.play(Indicate(marker), run_time=0.8)
        self.play(Circle(radius=0.5).animate.shift(2 * RIGHT + UP), run_time=1.0)
        self.wait(0.4)


class RedrawnMarker(Marker):
    redraw = staticmethod(redrawn)


def frames_of(scene_class: type[Marker]) -> tuple[list[str], int]:
    scene_class.builds = 0
    return frames_drawn_by(scene_class), scene_class.builds


def test_redrawn_draws_every_frame_as_always_redraw_does():
    expected, builds_always = frames_of(Marker)
    drawn, builds_redrawn = frames_of(RedrawnMarker)
    assert len(drawn) == len(expected) > 50
    differing = [k for k, (a, b) in enumerate(zip(expected, drawn, strict=True)) if a != b]
    assert differing == []
    # It draws the same by building less: not while the tracker stands still.
    assert builds_redrawn < 0.75 * builds_always


class Counter(Circle):
    calls = 0


def test_when_changed_runs_for_a_new_reading_or_a_changed_look_only():
    reading = {"value": 1.0}
    mobject = Counter()

    def updater(m: Counter) -> None:
        m.calls += 1
        m.set_stroke(width=reading["value"])

    mobject.add_updater(when_changed(updater, lambda: reading["value"]))
    mobject.update()
    mobject.update()
    assert mobject.calls == 1  # the same reading, the same look: nothing to redo
    reading["value"] = 3.0
    mobject.update()
    assert mobject.calls == 2
    mobject.shift(RIGHT)  # changed by something else, e.g. an animation
    mobject.update()
    assert mobject.calls == 3


def test_redrawn_rebuilds_the_mobject_itself_when_a_copy_is_updated():
    """As always_redraw: an animation updates its start and end copies, and those updates
    must rebuild the mobject on screen, not the copies."""
    tracker = ValueTracker(0.0)
    marker = redrawn(lambda: Circle(radius=1.0 + tracker.get_value()), tracker.get_value)
    copy = marker.copy()
    tracker.set_value(1.0)
    copy.update()
    assert abs(marker.width - 4.0) < 1e-9
