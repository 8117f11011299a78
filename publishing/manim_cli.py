"""Manim's command line, with a cheaper hand-over of frames to the encoder.

    python -m publishing.manim_cli render -qh scenes/loss.py Loss

render.py runs every section through this module instead of `python -m manim`. It changes
one method of Manim 0.22 (pinned in pyproject.toml), `VideoSegmentEncoder.write_frame`, in
two ways that leave every pixel as it was:

- the RGBA frame is wrapped for PyAV without a copy (`from_numpy_buffer`): Manim copied
  each 1920x1080 frame once more, 5.1 ms a frame, though the renderer hands over a fresh
  array it never touches again (Manim's own contract for `write_frame`);
- a frame repeated N times (a `wait`, a frozen frame) is converted to YUV once and encoded
  N times, instead of being copied and converted N times (2.8 ms each at 1080p).

The conversion is PyAV's own reformatter with the same arguments its encoder would use,
so the YUV planes, and the video, are unchanged.
"""

from __future__ import annotations

import sys
from fractions import Fraction

import av
from av.video.reformatter import VideoReformatter
from manim.scene.video_segment_encoder import VideoSegmentEncoder


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
        for _ in range(repeat):
            picture.pts = self._next_pts
            picture.time_base = time_base
            self._next_pts += 1
            for packet in self._stream.encode(picture):
                self._container.mux(packet)
    except BaseException as error:
        raise self._operation_error("encode", error) from error


def main() -> None:
    VideoSegmentEncoder.write_frame = write_frame
    from manim.__main__ import main as manim_main

    sys.argv[0] = "manim"
    manim_main()


if __name__ == "__main__":
    main()
