"""A held frame is encoded once and still plays as every frame of the hold: one packet per
frame at a constant rate, a keyframe as often as the film's settings ask, every frame the
held picture, and the segments around it joined as before."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import av
import numpy as np
import pytest
from manim._config.video_encoder import VideoEncoderSpec
from manim.scene.video_segment_encoder import VideoSegmentEncoder

from publishing import held_frames, manim_cli
from publishing.film import QUALITIES

WIDTH, HEIGHT, FPS = 320, 180, 30
OPTIONS = QUALITIES["1080p"].encoder_options | {"g": "15"}  # the film's x264, a 15-frame GOP


def picture(seed: int) -> np.ndarray:
    """An RGBA picture of the film's kind (flat ground, a few soft-edged discs), with a
    little noise, different for each seed."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    pixels = np.full((HEIGHT, WIDTH, 4), 255, np.uint8)
    rgb = np.full((HEIGHT, WIDTH, 3), 30.0)
    for _ in range(4):
        cx, cy, r = rng.uniform(0, WIDTH), rng.uniform(0, HEIGHT), rng.uniform(15, 50)
        inside = np.clip(r - np.hypot(x - cx, y - cy), 0, 1)[..., None]
        rgb = rgb * (1 - inside) + rng.uniform(60, 255, 3) * inside
    pixels[..., :3] = np.clip(rgb + rng.normal(0, 2, rgb.shape), 0, 255)
    return pixels


def write_segment(path: Path, writes: list[tuple[np.ndarray, int]], patched: bool) -> None:
    """A segment written as Manim's renderer writes it: (pixels, repeat) in order."""
    spec = VideoEncoderSpec(
        container_format="mp4",
        codec="libx264",
        pixel_format="yuv420p",
        width=WIDTH,
        height=HEIGHT,
        frame_rate=Fraction(FPS),
        options=tuple(OPTIONS.items()),
    )
    saved = VideoSegmentEncoder.write_frame
    VideoSegmentEncoder.write_frame = manim_cli.write_frame if patched else saved
    try:
        encoder = VideoSegmentEncoder(target=path, spec=spec)
        for pixels, repeat in writes:
            encoder.write_frame(pixels.copy(), repeat=repeat)
        encoder.finish()
    finally:
        VideoSegmentEncoder.write_frame = saved


def decoded(path: Path) -> tuple[list[np.ndarray], list[tuple[int, int, bool]]]:
    """Every decoded frame (RGB), and every packet's (pts, dts, keyframe) in frame units."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(stream)]
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        per_frame = 1 / (stream.time_base * FPS)
        packets = [
            (int(p.pts / per_frame), int(p.dts / per_frame), p.is_keyframe)
            for p in container.demux(stream)
            if p.size
        ]
    return frames, packets


@pytest.mark.parametrize("count", [3, 14, 15, 16, 47])
def test_a_held_picture_plays_as_every_frame_of_the_hold(tmp_path, count):
    held = picture(1)
    ours, manims = tmp_path / "ours.mp4", tmp_path / "manims.mp4"
    write_segment(ours, [(held, count)], patched=True)
    write_segment(manims, [(held, count)], patched=False)
    frames, packets = decoded(ours)
    their_frames, their_packets = decoded(manims)
    assert len(frames) == count
    assert [pts for pts, _, _ in packets] == list(range(count))  # one a frame, none missing
    assert [key for _, _, key in packets] == [pts % 15 == 0 for pts in range(count)]
    assert packets[0][0] - packets[0][1] == their_packets[0][0] - their_packets[0][1]
    assert all(pts - dts == packets[0][0] - packets[0][1] for pts, dts, _ in packets)
    assert all(
        a[1] < b[1] for a, b in zip(packets, packets[1:], strict=False)
    )  # decoding order rises
    # Every frame is the held picture: the one x264 makes of its first frame.
    assert np.array_equal(frames[0], their_frames[0])
    assert all(np.array_equal(frame, frames[0]) for frame in frames)
    assert np.abs(frames[0].astype(int) - held[..., :3]).mean() < 6  # and it is the picture


def slice_numbers(path: Path) -> list[tuple[int, int]]:
    """(frame_num, pic_order_cnt_lsb) of each picture, read from the MP4's slice headers
    (ISO 14496-10 7.3.3) with the field widths of its sequence parameter set (7.3.2.1),
    by a reader of its own: 4-byte NAL lengths in the MP4, High profile, frame coding."""

    def exp_golomb(bits: str, at: int) -> tuple[int, int]:
        zeros = len(bits[at:]) - len(bits[at:].lstrip("0"))
        return int(bits[at + zeros : at + 2 * zeros + 1], 2) - 1, at + 2 * zeros + 1

    def bit_string(nal: bytes) -> str:
        payload = nal.replace(b"\x00\x00\x03", b"\x00\x00")
        return "".join(f"{byte:08b}" for byte in payload[1:])

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        avcc = bytes(stream.codec_context.extradata)
        sps = bit_string(avcc[8 : 8 + int.from_bytes(avcc[6:8], "big")])
        at = 24  # past profile, constraint flags and level
        for _field in ("sps id", "chroma format", "luma depth", "chroma depth"):
            _, at = exp_golomb(sps, at)
        at += 2  # transform bypass, no scaling matrix
        frame_num_bits, at = exp_golomb(sps, at)  # log2_max_frame_num_minus4
        _, at = exp_golomb(sps, at)  # picture order count type 0
        poc_bits, at = exp_golomb(sps, at)  # log2_max_pic_order_cnt_lsb_minus4
        numbers = []
        for packet in container.demux(stream):
            data, offset = bytes(packet), 0
            while offset < len(data):
                size = int.from_bytes(data[offset : offset + 4], "big")
                nal = data[offset + 4 : offset + 4 + size]
                offset += 4 + size
                if nal[0] & 0x1F in (1, 5):
                    bits, at = bit_string(nal), 0
                    for _ in range(3):
                        _, at = exp_golomb(bits, at)
                    frame_num = int(bits[at : at + frame_num_bits + 4], 2)
                    at += frame_num_bits + 4
                    if nal[0] & 0x1F == 5:
                        _, at = exp_golomb(bits, at)  # idr_pic_id
                    numbers.append((frame_num, int(bits[at : at + poc_bits + 4], 2)))
                    break
    return numbers


def test_each_frame_of_a_hold_is_numbered_from_its_keyframe(tmp_path):
    """A reference picture's frame_num counts up from its IDR and wraps at its field's
    width; the picture order count runs at twice that, as x264 numbers its own frames."""
    ours = tmp_path / "ours.mp4"
    write_segment(ours, [(picture(4), 40)], patched=True)
    numbers = slice_numbers(ours)
    frame_nums = [n for n, _ in numbers]
    assert len(numbers) == 40
    assert frame_nums[:15] == [k % 16 for k in range(15)]  # x264 writes 4 bits here
    assert numbers[15:30] == numbers[:15] and numbers[30:] == numbers[:10]
    assert [poc for _, poc in numbers[:15]] == [2 * k for k in range(15)]


def test_the_hold_costs_a_fraction_of_its_frames_in_bytes(tmp_path):
    held = picture(2)
    ours, manims = tmp_path / "ours.mp4", tmp_path / "manims.mp4"
    write_segment(ours, [(held, 60)], patched=True)
    write_segment(manims, [(held, 60)], patched=False)
    assert ours.stat().st_size <= manims.stat().st_size * 1.1


def test_segments_joined_around_a_hold_decode_frame_for_frame(tmp_path):
    """Moving frames, then a hold, then moving frames, each its own segment as Manim writes
    them, joined by Manim's own concatenation: every frame in order, the hold unchanged."""
    from manim.scene.scene_file_writer import SceneFileWriter

    moving = [picture(10 + k) for k in range(6)]
    parts = [tmp_path / f"{k}.mp4" for k in range(3)]
    write_segment(parts[0], [(p, 1) for p in moving[:3]], patched=True)
    write_segment(parts[1], [(picture(3), 20)], patched=True)
    write_segment(parts[2], [(p, 1) for p in moving[3:]], patched=True)
    joined = tmp_path / "joined.mp4"
    writer = SceneFileWriter.__new__(SceneFileWriter)  # only its joining is used
    writer.output_spec = SimpleNamespace(transparent=False, segment_extension=".mp4")
    writer.combine_files([str(p) for p in parts], joined)
    frames, packets = decoded(joined)
    assert len(frames) == 3 + 20 + 3
    assert [pts for pts, _, _ in packets] == list(range(26))
    assert all(a[1] < b[1] for a, b in zip(packets, packets[1:], strict=False))
    held = frames[3:23]
    assert all(np.array_equal(frame, held[0]) for frame in held)
    for frame, source in zip(frames[:3] + frames[23:], moving, strict=True):
        assert np.abs(frame.astype(int) - source[..., :3]).mean() < 6


def test_a_copied_frame_is_renumbered_in_its_slice_header():
    """frame_num and pic_order_cnt_lsb are rewritten, the rest of the slice kept: read back
    with the field layout of H.264's slice header (7.3.3)."""
    context = av.CodecContext.create("libx264", "w")
    context.width, context.height, context.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    context.framerate = Fraction(FPS)
    context.time_base = Fraction(1, FPS)
    context.flags = context.flags | 0x00400000  # parameter sets apart, as in an MP4
    context.options = dict(OPTIONS)
    grey = held_frames.flat_grey(av.VideoFrame(WIDTH, HEIGHT, "yuv420p"))
    packets = held_frames.encoded(context, [grey] * 4)
    sequence = held_frames.read_sequence(bytes(context.extradata))
    copy = held_frames.renumbered(bytes(packets[1]), sequence, 11, 22)
    (_, original), *_ = held_frames.nal_units(bytes(packets[1]))
    (_, changed), *_ = held_frames.nal_units(copy)
    reader = held_frames.BitReader(held_frames.unescape(changed), 8)
    for _ in range(3):
        reader.exp_golomb()
    assert reader.bits(sequence.frame_num_bits) == 11
    assert reader.bits(sequence.poc_lsb_bits) == 22
    rest = reader.position
    untouched = held_frames.BitReader(held_frames.unescape(original), rest)
    assert (
        held_frames.unescape(changed)[rest // 8 + 1 :]
        == held_frames.unescape(original)[untouched.position // 8 + 1 :]
    )


def test_emulation_prevention_is_undone_and_put_back():
    raw = bytes([0, 0, 1, 5, 0, 0, 0, 0, 3, 0, 0])
    escaped = held_frames.escape(raw)
    assert b"\x00\x00\x00" not in escaped and b"\x00\x00\x01" not in escaped
    assert held_frames.unescape(escaped) == raw
