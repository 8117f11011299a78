"""Manim's command line for a section's scene process: its request in, its report out, and a
cheaper hand-over of frames to the encoder.

    python -m publishing.manim_cli render --request REQUEST.json -qh scenes/loss.py Loss

render.py runs every section through this module instead of `python -m manim`. `--request`
names the scene's request (scenes/contract.py), handed to the scene before Manim makes it;
once Manim has finished the video, the scene's report is written where the request says, and
after every animation the count played so far is noted for the parent's progress line.

It also changes
one method of Manim 0.22 (pinned in pyproject.toml), `VideoSegmentEncoder.write_frame`:

- the RGBA frame is wrapped for PyAV without a copy (`from_numpy_buffer`): Manim copied
  each 1920x1080 frame once more, 5.1 ms a frame, though the renderer hands over a fresh
  array it never touches again (Manim's own contract for `write_frame`);
- a frame repeated N times is converted to YUV once, instead of being copied and
  converted N times (2.8 ms each at 1080p);
- a segment that is one frame held (a `wait` with nothing moving: Manim's frozen frame)
  has its picture encoded once, and its other frames are copies of one frame that shows
  the frame before unchanged (publishing/held_frames.py): about 7 ms a frame at 1080p
  saved, a third to a half of each section's frames. Every frame of such a hold decodes
  to the picture of its first frame, which is x264's own first frame of it.

The conversion is PyAV's own reformatter with the same arguments its encoder would use,
so the YUV planes are unchanged.

It also changes how `CairoRenderer` hands a drawn frame over: Manim copied the camera's
pixels for the encoder's queue after every frame of an animation (5 % of sections 1 and 4
at 1080p). Here the camera draws each frame into a new array and the array itself goes to
the queue: the renderer never writes into it again, so the encoder may read it later.

In a 2-D scene, from a play's second frame on, a frame is an image of the play's unchanging
mobjects (painted once for the play) with only the tiles a moving or changed mobject covers
drawn again: static mobjects that lie above a moving one in the drawing order are no longer
redrawn on every frame, and every frame keeps Manim's bytes (publishing.changed_only).

And it makes reruns recover (issue 28). Manim writes its text and LaTeX caches in place and
reuses any file that exists: a render killed mid-write left a cut-off SVG that failed every
later run. Here

- every cache file Manim keeps (a Text's SVG, a Tex's .tex, .dvi and .svg) is written whole
  or not at all, and no two renders sharing the caches read each other's half-files
  (publishing.manim_cache_writes);
- `--cache_dir DIR` (ours, not Manim's) keeps the text and LaTeX caches in DIR/texts and
  DIR/Tex while `--media_dir` is the attempt's own folder; before rendering, any cache file
  there that cannot be read (written before this, or by plain `manim`) is removed, with a
  line in the log, and Manim makes it again;
- a render that fails on a file it cannot read (an SVG that does not parse, a LaTeX input
  that does not compile) ends its log with a marked line naming the file, which render.py
  puts in its error (`manim_caches.failure_reason`).
"""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import av
import cairo
import numpy as np
import srt
from av.video.reformatter import VideoReformatter
from manim import Scene
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.video_segment_encoder import VideoSegmentEncoder

from publishing import held_frames, manim_cache_writes
from publishing.changed_only import changed_only
from publishing.manim_caches import fault_line
from publishing.manim_process import CACHE_OPTION, REQUEST_OPTION
from scenes.contract import SceneReport, SceneRequest, hand_over, handed, note_progress

MANIMS_UPDATE_FRAME = CairoRenderer.update_frame
MANIMS_PLAY = CairoRenderer.play
MANIMS_SCENE_RENDER = Scene.render


def encoder_frame(reformatter: VideoReformatter, pixels, context) -> av.VideoFrame:
    """An RGBA frame as the encoder's pixel format: wrapped without a copy, then converted
    with the arguments PyAV's own encoder would use."""
    return reformatter.reformat(
        av.VideoFrame.from_numpy_buffer(pixels, format="rgba"),
        context.width,
        context.height,
        context.format,
        threads=context.thread_count,
    )


def write_frame(self: VideoSegmentEncoder, pixels, *, repeat: int = 1) -> None:
    """Encode `pixels` `repeat` times at consecutive segment-local timestamps."""
    self._validate_frame(pixels, repeat)
    time_base = Fraction(self.spec.frame_rate.denominator, self.spec.frame_rate.numerator)
    try:
        if not hasattr(self, "_reformatter"):
            self._reformatter = VideoReformatter()
        picture = encoder_frame(self._reformatter, pixels, self._stream.codec_context)
        held = self._next_pts == 0 and repeat >= held_frames.MIN_HELD_FRAMES
        if held and write_hold(self, picture, repeat, time_base):
            return
        for _ in range(repeat):
            picture.pts = self._next_pts
            picture.time_base = time_base
            self._next_pts += 1
            for packet in self._stream.encode(picture):
                self._container.mux(packet)
    except BaseException as error:
        raise self._operation_error("encode", error) from error


def write_hold(
    self: VideoSegmentEncoder, picture: av.VideoFrame, repeat: int, time_base: Fraction
) -> bool:
    """A segment that is one picture held (Manim's frozen frame) written with the picture
    encoded once (publishing/held_frames.py); False, with nothing written, where that
    cannot be done exactly, so the caller encodes frame by frame."""
    options = dict(self.spec.options)
    segment = held_frames.held_segment(self._stream, picture, options)
    if segment is None:
        return False
    interval = int(options.get("g", 0)) or repeat
    for data in held_frames.hold_packets(segment, repeat, interval):
        packet = av.Packet(data)
        packet.pts = self._next_pts
        packet.dts = self._next_pts - segment.decode_delay
        packet.time_base = time_base
        packet.duration = 1
        packet.is_keyframe = data is segment.keyframe
        packet.stream = self._stream
        self._next_pts += 1
        self._container.mux(packet)
    return True


def update_frame(
    self: CairoRenderer,
    scene,
    mobjects=None,
    include_submobjects: bool = True,
    ignore_skipping: bool = True,
    **kwargs,
) -> None:
    """Manim's update_frame, drawing into a new array: the one drawn before may still wait
    in the encoder's queue. Manim fills the new array whole (background or static image)
    before drawing on it. A play's frame is drawn by publishing.changed_only where it can
    be, to the same bytes."""
    if self.skip_animations and not ignore_skipping:
        return
    new_canvas(self.camera)
    plain = include_submobjects and not kwargs
    if not (plain and changed_only(self).draw_frame(self, scene, mobjects)):
        MANIMS_UPDATE_FRAME(self, scene, mobjects, include_submobjects, ignore_skipping, **kwargs)


def new_canvas(camera) -> None:
    """Give the camera a new pixel array, with a Cairo context like the one it had.

    Manim makes a context per array, with the frame's centre at that moment in its matrix,
    and keeps it: a 3-D camera that re-centres later projects its points itself, and the
    pinned overlays stay where the first context put them. The new context gets the old
    one's matrix (the only state Manim does not set before each drawing), and contexts of
    earlier arrays are dropped, so none outlives its array."""
    old = camera.get_cached_cairo_context(camera.pixel_array)
    camera.pixel_array = np.empty_like(camera.pixel_array)
    camera.pixel_array_to_cairo_context.clear()
    if old is not None:
        height, width = camera.pixel_array.shape[:2]
        surface = cairo.ImageSurface.create_for_data(
            camera.pixel_array.data, cairo.FORMAT_ARGB32, width, height
        )
        context = cairo.Context(surface)
        context.set_matrix(old.get_matrix())
        camera.cache_cairo_context(camera.pixel_array, context)


def render(self: CairoRenderer, scene, time: float, moving_mobjects=None) -> None:
    """Draw the frame and hand the camera's array itself to the encoder, not a copy."""
    self.update_frame(scene, moving_mobjects)
    self.add_frame(self.camera.pixel_array)


def play(self: CairoRenderer, scene, *args, **kwargs) -> None:
    """Manim's play, then the count of animations played noted for the parent."""
    MANIMS_PLAY(self, scene, *args, **kwargs)
    note_progress(handed(), self.num_plays)


def render_and_report(self: Scene, *args, **kwargs):
    """Manim's Scene.render, then the scene's report written where the request says: its
    lines, beats and key frames (a LessonScene's), its captions as Manim composed them for
    the .srt, and how many animations it played."""
    result = MANIMS_SCENE_RENDER(self, *args, **kwargs)
    request = handed()
    if request.report:
        writer = getattr(self.renderer, "file_writer", None)
        subcaptions = getattr(writer, "subcaptions", None)
        captions = srt.compose(subcaptions) if subcaptions else None
        if hasattr(self, "report"):
            report = self.report(captions)
        else:  # a plain Manim scene (a test's fixture): nothing noted but what Manim knows
            report = SceneReport(request, captions=captions, animations=self.renderer.num_plays)
        report.write(Path(request.report))
    return result


def take_request(argv: list[str]) -> list[str]:
    """Hand `--request FILE` over to the scenes (scenes/contract.py); Manim's own
    arguments are returned."""
    arguments = list(argv)
    request = take_option(arguments, REQUEST_OPTION)
    if request:
        hand_over(SceneRequest.read(Path(request)))
    return arguments


def say(line: str) -> None:
    """A line in the render's log."""
    print(line, flush=True)


def take_option(argv: list[str], option: str) -> str | None:
    """Remove `option VALUE` (or `option=VALUE`) from argv; its value, or None."""
    for at, argument in enumerate(argv):
        if argument == option and at + 1 < len(argv):
            value = argv[at + 1]
            del argv[at : at + 2]
            return value
        if argument.startswith(option + "="):
            del argv[at]
            return argument.split("=", 1)[1]
    return None


def install_patches() -> None:
    VideoSegmentEncoder.write_frame = write_frame
    CairoRenderer.update_frame = update_frame
    CairoRenderer.render = render
    CairoRenderer.play = play
    Scene.render = render_and_report
    manim_cache_writes.write_caches_whole()


def main() -> None:
    install_patches()
    arguments = take_request(sys.argv[1:])
    caches = take_option(arguments, CACHE_OPTION)
    if caches:
        manim_cache_writes.shared_caches(Path(caches), say)
    from manim.__main__ import main as manim_main

    sys.argv = ["manim", *arguments]
    try:
        manim_main()
    except SystemExit as leaving:
        # Manim prints a failed scene's traceback and exits 1 inside its `except`: the
        # scene's error is the exit's context.
        fault = (
            manim_cache_writes.file_at_fault(leaving.__context__)
            if leaving.code not in (0, None)
            else None
        )
        if fault:
            say(fault_line(*fault))
        raise


if __name__ == "__main__":
    main()
