"""MP4 files through PyAV: remux to a constant frame rate with fast start, join, inspect.

Manim joins a scene's partial movies with FFmpeg's concat demuxer and lets the muxer guess
the timestamps; a scene with many very short animations comes out a few milliseconds off
a constant rate (04-loop at 1080p60: 13 frames 251/15360 s long instead of 256), and the
index (moov atom) sits at the end of the file. `write_constant_rate` copies the encoded
frames untouched into a new MP4 whose frame n is shown at exactly n / fps and whose index
comes first, so players and YouTube can start before the whole file has arrived.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import struct
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from common.files import whole_or_absent
from publishing import soundtrack
from publishing.film import TITLE, Quality, Section
from publishing.roster import Student

# The narration's language, ISO 639-2 as MP4 stores it (the sound track's mdhd box), so a
# player labels the track "English" rather than "unknown".
SPEECH_LANGUAGE = "eng"


def lecture_title(seed: int, student: Student | None = None) -> str:
    """The lecture's MP4 title: "The Mechanics of Learning (seed 7)", or with a roster
    "The Mechanics of Learning for Zoë Ng (seed 7)"."""
    return f"{TITLE} for {student.name} (seed {seed})" if student else f"{TITLE} (seed {seed})"


def section_title(section: Section, seed: int) -> str:
    """A section's MP4 title: "The Mechanics of Learning: 2. The Scorecard (seed 7)"."""
    return f"{TITLE}: {section.number}. {section.title} (seed {seed})"


@dataclass(frozen=True)
class VideoFacts:
    """What a player or YouTube reads from an MP4."""

    codec: str
    profile: str | None
    pixel_format: str
    width: int
    height: int
    frame_rate: Fraction
    frames: int
    seconds: float
    audio_streams: int
    top_level_boxes: tuple[str, ...]
    keyframe_indices: tuple[int, ...]
    frame_durations: frozenset[int]

    @property
    def fast_start(self) -> bool:
        """The index (moov) comes before the media data (mdat)."""
        boxes = self.top_level_boxes
        return "moov" in boxes and "mdat" in boxes and boxes.index("moov") < boxes.index("mdat")


def top_level_boxes(path: Path) -> tuple[str, ...]:
    """The names of an MP4's top-level boxes, in file order (ftyp, moov, mdat, ...)."""
    names = []
    with open(path, "rb") as file:
        size_of_file = os.fstat(file.fileno()).st_size
        position = 0
        while position + 8 <= size_of_file:
            file.seek(position)
            size, name = struct.unpack(">I4s", file.read(8))
            if size == 1:
                (size,) = struct.unpack(">Q", file.read(8))
            elif size == 0:
                size = size_of_file - position
            if size < 8:
                break
            names.append(name.decode("latin-1"))
            position += size
    return tuple(names)


def facts(path: Path) -> VideoFacts:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        context = stream.codec_context
        packets = [packet for packet in container.demux(stream) if packet.dts is not None]
        presentation = sorted(packets, key=lambda packet: packet.pts)
        keyframes = tuple(k for k, packet in enumerate(presentation) if packet.is_keyframe)
        steps = frozenset(b.pts - a.pts for a, b in itertools.pairwise(presentation))
        return VideoFacts(
            codec=context.name,
            profile=context.profile,
            pixel_format=context.pix_fmt,
            width=context.width,
            height=context.height,
            frame_rate=Fraction(stream.average_rate or 0),
            frames=len(packets),
            seconds=float(container.duration or 0) / av.time_base,
            audio_streams=len(container.streams.audio),
            top_level_boxes=top_level_boxes(path),
            keyframe_indices=keyframes,
            frame_durations=steps,
        )


def seconds_of(path: Path) -> float:
    with av.open(str(path)) as container:
        return float(container.duration or 0) / av.time_base


def frame_count(path: Path) -> int:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return sum(1 for packet in container.demux(stream) if packet.dts is not None)


def frames(path: Path) -> Iterator[np.ndarray]:
    """Every frame of the video, decoded, as an RGB array."""
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            yield frame.to_ndarray(format="rgb24")


def frame_digests(path: Path) -> list[str]:
    """A SHA-256 per decoded frame (of its YUV planes): equal lists mean equal pictures."""
    digests = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            digest = hashlib.sha256()
            for plane in frame.planes:
                digest.update(bytes(plane))
            digests.append(digest.hexdigest())
    return digests


def frame_at(path: Path, seconds: float) -> np.ndarray:
    """The frame on screen at a time (clamped to the video), as an RGB array.

    Seeks to the keyframe before it and decodes forward, so a thumbnail near the end of a
    long section costs a fraction of a second, not a full decode."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        wanted = max(seconds, 0.0)  # past the end, the loop below stops at the last frame
        container.seek(int(wanted / stream.time_base), stream=stream, backward=True)
        shown = None
        for frame in container.decode(stream):
            if shown is not None and frame.time > wanted + 1e-9:
                break
            shown = frame
        if shown is None:
            raise ValueError(f"{path} has no frames")
        return shown.to_ndarray(format="rgb24")


def _same_stream(a: av.video.stream.VideoStream, b: av.video.stream.VideoStream) -> bool:
    first, second = a.codec_context, b.codec_context
    return (
        first.name,
        first.width,
        first.height,
        first.pix_fmt,
        bytes(first.extradata or b""),
    ) == (
        second.name,
        second.width,
        second.height,
        second.pix_fmt,
        bytes(second.extradata or b""),
    )


def can_copy(sources: Sequence[Path]) -> bool:
    """Whether the videos' encoded frames can be joined as they are: same codec, size,
    pixel format and decoder set-up (H.264's SPS/PPS), so one MP4 track can hold them all."""
    with av.open(str(sources[0])) as first:
        for source in sources[1:]:
            with av.open(str(source)) as other:
                if not _same_stream(first.streams.video[0], other.streams.video[0]):
                    return False
    return True


def write_constant_rate(
    sources: Sequence[Path],
    destination: Path,
    quality: Quality,
    sound: np.ndarray | None = None,
    title: str | None = None,
) -> bool:
    """Join the videos, in order, into one fast-start MP4 at exactly the quality's frame rate,
    with `sound` (a mono 48 kHz track as long as the video) as its AAC sound track, spoken
    in English (SPEECH_LANGUAGE), and `title` as the file's title, which players and LMS
    pages show instead of the file name.

    The encoded frames are copied, not re-encoded, when the streams allow (see `can_copy`);
    otherwise they are decoded and encoded again by x264 with the settings the sections were
    rendered with. Returns whether they were copied.
    The destination appears whole or not at all.
    """
    copied = can_copy(sources)
    with (
        whole_or_absent(destination) as partial,
        av.open(str(partial), "w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        if title:
            out.metadata["title"] = title
        muxer = Muxer(out, sound)
        if copied:
            _copy_frames(sources, muxer, quality.fps)
        else:
            _encode_frames(sources, muxer, quality.fps, quality.encoder_options)
        muxer.finish()
    return copied


class Muxer:
    """Writes the video's packets, slipping the sound's packets in between in time order,
    so a player reading the file from the start finds picture and sound side by side."""

    def __init__(self, out: av.container.OutputContainer, sound: np.ndarray | None) -> None:
        self.out, self.sound = out, sound
        self.pending: deque[av.Packet] = deque()

    def add_sound(self) -> None:
        """Add the sound's stream after the video's (it is stream 1) and encode it."""
        if self.sound is not None:
            self.pending = deque(soundtrack.encoded(self.out, self.sound))
            self.out.streams.audio[0].metadata["language"] = SPEECH_LANGUAGE

    def mux(self, packets: av.Packet | Sequence[av.Packet]) -> None:
        for packet in [packets] if isinstance(packets, av.Packet) else packets:
            when = packet.dts * packet.time_base
            while self.pending and self.pending[0].dts * self.pending[0].time_base <= when:
                self.out.mux(self.pending.popleft())
            self.out.mux(packet)

    def finish(self) -> None:
        self.out.mux(list(self.pending))
        self.pending.clear()


def _copy_frames(sources: Sequence[Path], muxer: Muxer, fps: int) -> None:
    """Copy every encoded frame, giving frame n of the joined video the time n / fps.

    Packets arrive in decoding order; a frame's place in presentation order is the rank of
    its original timestamp. Decoding times run `delay` frames behind, where delay is the
    deepest B-frame reordering of any source, so every frame is decoded before it is shown
    and decoding times keep increasing across the joins."""
    frame_time = Fraction(1, fps)
    loaded = [_packets(source) for source in sources]
    delay = max((_reorder_delay(packets) for packets in loaded), default=0)
    with av.open(str(sources[0])) as first:
        stream = muxer.out.add_stream_from_template(first.streams.video[0])
    stream.time_base = Fraction(1, fps * 256)
    muxer.add_sound()
    offset = 0
    for packets in loaded:
        ranks = {pts: rank for rank, pts in enumerate(sorted(p.pts for p in packets))}
        for decode_index, packet in enumerate(packets):
            packet.time_base = frame_time
            packet.pts = offset + ranks[packet.pts]
            packet.dts = offset + decode_index - delay
            packet.duration = 1
            packet.stream = stream
            muxer.mux(packet)
        offset += len(packets)


def _packets(source: Path) -> list[av.Packet]:
    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        return [packet for packet in container.demux(stream) if packet.dts is not None]


def _reorder_delay(packets: list[av.Packet]) -> int:
    """How many frames the decoder must read ahead of the one it shows (B-frames)."""
    ranks = {pts: rank for rank, pts in enumerate(sorted(p.pts for p in packets))}
    return max((k - ranks[p.pts] for k, p in enumerate(packets)), default=0)


def _encode_frames(
    sources: Sequence[Path],
    muxer: Muxer,
    fps: int,
    encoder_options: dict[str, str],
) -> None:
    with av.open(str(sources[0])) as first:
        template = first.streams.video[0].codec_context
        width, height = template.width, template.height
    stream = muxer.out.add_stream("libx264", rate=fps, options=encoder_options)
    stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
    muxer.add_sound()
    index = 0
    for source in sources:
        with av.open(str(source)) as container:
            for frame in container.decode(video=0):
                if (frame.width, frame.height) != (width, height):
                    size = f"{frame.width}x{frame.height}, not {width}x{height}"
                    raise ValueError(f"cannot join {source}: it is {size}")
                picture = frame.reformat(format="yuv420p")
                picture.pts, picture.time_base = index, Fraction(1, fps)
                muxer.mux(stream.encode(picture))
                index += 1
    muxer.mux(stream.encode(None))
