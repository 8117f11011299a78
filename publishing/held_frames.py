"""A held frame paid once: the picture is encoded once, and every later frame of the hold is
a copy of one "nothing changed" frame.

Manim writes a `wait` with nothing moving (a frozen frame) as its own segment: one picture
repeated N times, which x264 converted and encoded N times (about 7 ms a frame at 1080p,
a third to a half of every section's frames). Here such a segment is written as

- frame 0, and every keyframe after it (one every `g` frames, as the film's settings ask):
  the picture encoded once by x264 as a keyframe (IDR), with the film's own settings;
- every other frame: a P frame whose macroblocks are all skipped, so a decoder shows its
  reference, the frame before, unchanged. x264 makes that frame once per process, from a
  flat grey picture (which it reconstructs exactly, so the frame after it has nothing to
  code); only its frame number and picture order count, two fixed-width fields at the
  start of its slice header, are rewritten for each copy.

The delivered video keeps its constant frame rate and its keyframe interval: it still has
one packet per frame at every timestamp. Every frame of the hold decodes to the picture
of its keyframe. Before any hold is written that way, once per process, the skipped frame
is checked by decoding: renumbered as the second and third frames after a keyframe of
noise, it must show that keyframe's picture to the byte (any motion or residual would
change a picture of noise), or holds are encoded frame by frame as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import av
import numpy as np
from av.video.frame import PictureType

SLICE_NON_IDR = 1  # H.264 nal_unit_type of a coded slice of a non-IDR picture
MIN_HELD_FRAMES = 3  # shorter holds are left to x264: they would gain next to nothing


@dataclass(frozen=True)
class Sequence:
    """The two field widths of the sequence parameter set that a slice header's frame number
    and picture order count are written in."""

    frame_num_bits: int
    poc_lsb_bits: int | None  # None: the picture order count is not sent (type 1 or 2)

    @property
    def max_frame_num(self) -> int:
        return 1 << self.frame_num_bits


class BitReader:
    """Reads H.264's bit fields (u(n) and Exp-Golomb ue(v)) from an unescaped payload."""

    def __init__(self, data: bytes, position: int = 0) -> None:
        self.data = data
        self.position = position

    def bit(self) -> int:
        byte = self.data[self.position >> 3]
        value = (byte >> (7 - (self.position & 7))) & 1
        self.position += 1
        return value

    def bits(self, count: int) -> int:
        value = 0
        for _ in range(count):
            value = (value << 1) | self.bit()
        return value

    def exp_golomb(self) -> int:
        zeros = 0
        while self.bit() == 0:
            zeros += 1
        return (1 << zeros) - 1 + self.bits(zeros)


def unescape(nal: bytes) -> bytes:
    """A NAL unit's payload without its emulation-prevention bytes (00 00 03 -> 00 00)."""
    out = bytearray()
    zeros = 0
    for byte in nal:
        if zeros >= 2 and byte == 3:
            zeros = 0
            continue
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


def escape(payload: bytes) -> bytes:
    """Emulation-prevention bytes put back: no 00 00 0x (x <= 3) may appear in a NAL unit."""
    out = bytearray()
    zeros = 0
    for byte in payload:
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


def nal_units(data: bytes) -> list[tuple[bytes, bytes]]:
    """An Annex B byte stream (x264's packets and parameter sets, as libavcodec hands them
    over) as (start code, NAL unit) pairs."""
    units = []
    at = data.find(b"\x00\x00\x01")
    while at >= 0:
        prefix_start = at - 1 if at > 0 and data[at - 1] == 0 else at
        following = data.find(b"\x00\x00\x01", at + 3)
        end = len(data) if following < 0 else following
        if following > 0 and data[following - 1] == 0:
            end = following - 1
        units.append((data[prefix_start : at + 3], data[at + 3 : end]))
        at = following
    return units


def read_sequence(extradata: bytes) -> Sequence:
    """The field widths from the sequence parameter set in the encoder's extradata."""
    sps = next((unit for _, unit in nal_units(extradata) if unit and unit[0] & 0x1F == 7), None)
    if sps is None:
        raise ValueError("no sequence parameter set")
    reader = BitReader(unescape(sps), 8)  # past the NAL header
    profile = reader.bits(8)
    reader.bits(16)  # constraint flags, level
    reader.exp_golomb()  # seq_parameter_set_id
    if profile in (100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135):
        if reader.exp_golomb() == 3:  # chroma_format_idc
            raise ValueError("4:4:4 with separate colour planes is not handled")
        reader.exp_golomb()  # bit_depth_luma_minus8
        reader.exp_golomb()  # bit_depth_chroma_minus8
        reader.bit()  # qpprime_y_zero_transform_bypass_flag
        if reader.bit():
            raise ValueError("scaling matrices are not handled")
    frame_num_bits = reader.exp_golomb() + 4
    poc_type = reader.exp_golomb()
    if poc_type == 1:
        raise ValueError("picture order count type 1 is not handled")
    poc_lsb_bits = reader.exp_golomb() + 4 if poc_type == 0 else None
    for _ in range(2):  # max_num_ref_frames, gaps flag
        reader.exp_golomb() if _ == 0 else reader.bit()
    reader.exp_golomb()  # pic_width_in_mbs_minus1
    reader.exp_golomb()  # pic_height_in_map_units_minus1
    if not reader.bit():  # frame_mbs_only_flag: else field flags sit between the two fields
        raise ValueError("interlaced coding is not handled")
    return Sequence(frame_num_bits, poc_lsb_bits)


def renumbered(packet: bytes, sequence: Sequence, frame_num: int, poc_lsb: int) -> bytes:
    """A non-IDR picture's packet with its slices' frame_num and pic_order_cnt_lsb set.

    Both are fixed-width fields after three Exp-Golomb fields at the start of the slice
    header; nothing after them moves (with CABAC the slice data is byte-aligned anyway)."""
    out = bytearray()
    for start_code, unit in nal_units(packet):
        out += start_code
        if unit[0] & 0x1F != SLICE_NON_IDR:
            out += unit
            continue
        payload = bytearray(unescape(unit))
        reader = BitReader(bytes(payload), 8)
        for _ in range(3):  # first_mb_in_slice, slice_type, pic_parameter_set_id
            reader.exp_golomb()
        fields = [(reader.position, sequence.frame_num_bits, frame_num)]
        if sequence.poc_lsb_bits is not None:  # frame_mbs_only: no field flags between
            fields.append(
                (reader.position + sequence.frame_num_bits, sequence.poc_lsb_bits, poc_lsb)
            )
        for start, width, value in fields:
            for offset in range(width):
                at = start + offset
                mask = 0x80 >> (at & 7)
                if (value >> (width - 1 - offset)) & 1:
                    payload[at >> 3] |= mask
                else:
                    payload[at >> 3] &= ~mask & 0xFF
        out += escape(bytes(payload))
    return bytes(out)


def trial_encoder(stream: av.video.stream.VideoStream, options: dict[str, str]) -> av.CodecContext:
    """A standalone encoder with the stream's settings, whose packets the stream can carry."""
    source = stream.codec_context
    context = av.CodecContext.create(source.name, "w")
    context.width, context.height, context.pix_fmt = source.width, source.height, source.pix_fmt
    context.framerate = source.framerate
    context.time_base = 1 / source.framerate
    context.flags = source.flags
    context.options = dict(options)
    return context


def encoded(context: av.CodecContext, pictures: list[av.VideoFrame]) -> list[av.Packet]:
    """The pictures encoded in order (the first as a keyframe, the rest as P frames)."""
    packets = []
    for index, picture in enumerate(pictures):
        copy = picture.reformat()  # the caller's picture keeps its own type and time
        copy.pts = index
        copy.pict_type = PictureType.I if index == 0 else PictureType.P
        packets += context.encode(copy)
    packets += context.encode(None)
    return packets


def decoded(extradata: bytes, packets: list[bytes]) -> list[np.ndarray]:
    decoder = av.CodecContext.create("h264", "r")
    decoder.extradata = extradata
    pictures = []
    for data in [*packets, None]:
        packet = None if data is None else av.Packet(data)
        pictures += [frame.to_ndarray() for frame in decoder.decode(packet)]
    return pictures


@dataclass(frozen=True)
class HeldSegment:
    """What a hold is written from: the keyframe, the skipped frame and their timing."""

    keyframe: bytes
    skip: bytes
    sequence: Sequence
    decode_delay: int  # frames x264 sets decoding ahead of presentation (for B-frames)


def flat_grey(template: av.VideoFrame) -> av.VideoFrame:
    """A mid-grey picture of the stream's size: x264 reconstructs it exactly, so a frame
    after it has nothing to code and comes out all skipped."""
    grey = av.VideoFrame(template.width, template.height, template.format.name)
    for plane in grey.planes:
        plane.update(np.full(plane.buffer_size, 128, dtype=np.uint8).tobytes())
    return grey


def noise(template: av.VideoFrame) -> av.VideoFrame:
    """A picture of the stream's size in which every pixel differs from its neighbours (the
    same every time): a frame that moved or coded anything over it would show."""
    picture = av.VideoFrame(template.width, template.height, template.format.name)
    rng = np.random.default_rng(0)
    for plane in picture.planes:
        plane.update(rng.integers(16, 236, plane.buffer_size, dtype=np.uint8).tobytes())
    return picture


@dataclass(frozen=True)
class Skipped:
    """x264's all-skipped P frame for one frame size and set of settings, and how far
    decoding runs ahead of presentation in x264's streams with them (its B-frame delay)."""

    packet: bytes
    decode_delay: int
    sequence: Sequence


SKIPPED: dict[tuple, Skipped | None] = {}
GREY_FRAMES = 4  # a keyframe and three skipped frames: enough for x264's usual delay


def skipped_frame(
    stream: av.video.stream.VideoStream, picture: av.VideoFrame, options: dict[str, str]
) -> Skipped | None:
    """x264's P frame after flat grey pictures, made and checked once per process for each
    frame size and set of settings (checked_skip); None where it failed its check."""
    context = stream.codec_context
    if not context.is_open:
        context.open()
    extradata = bytes(context.extradata or b"")
    key = (context.name, context.width, context.height, context.pix_fmt, context.flags)
    key += (extradata, *sorted(options.items()))
    if key not in SKIPPED:
        SKIPPED[key] = checked_skip(stream, picture, options, extradata)
    return SKIPPED[key]


def checked_skip(
    stream: av.video.stream.VideoStream,
    picture: av.VideoFrame,
    options: dict[str, str],
    extradata: bytes,
) -> Skipped | None:
    """x264's P frame after flat grey pictures, if, renumbered as the second and third
    frames after a keyframe of noise, it shows that keyframe's picture to the byte: then
    every macroblock is skipped with no motion, and it shows any picture before it
    unchanged (on grey alone, motion would not show). None if not, or if x264 did not give
    one packet a frame, or its parameter sets differ from the stream's."""
    grey = flat_grey(picture)
    trial = trial_encoder(stream, options)
    packets = encoded(trial, [grey] * GREY_FRAMES)
    if bytes(trial.extradata or b"") != extradata or len(packets) != GREY_FRAMES:
        return None
    try:
        sequence = read_sequence(extradata)
    except (ValueError, IndexError):
        return None
    skip = packets[1]
    keyframes = encoded(trial_encoder(stream, options), [noise(picture)])
    if len(keyframes) != 1 or not keyframes[0].is_keyframe:
        return None
    if skip.pts != 1 or skip.is_keyframe:
        return None
    keyframe = keyframes[0]
    copies = [renumbered(bytes(skip), sequence, index, 2 * index) for index in (1, 2)]
    shown = decoded(extradata, [bytes(keyframe), *copies])
    if len(shown) != 3 or not all(np.array_equal(shown[0], later) for later in shown[1:]):
        return None
    return Skipped(bytes(skip), skip.pts - skip.dts, sequence)


def held_segment(
    stream: av.video.stream.VideoStream, picture: av.VideoFrame, options: dict[str, str]
) -> HeldSegment | None:
    """The keyframe of `picture` and the all-skipped frame; None when the skipped frame
    failed its check, or the keyframe would not fit the stream (the trial encoder's
    parameter sets differ from the stream's own)."""
    skip = skipped_frame(stream, picture, options)
    if skip is None:
        return None
    trial = trial_encoder(stream, options)
    keyframes = encoded(trial, [picture])
    if len(keyframes) != 1 or not keyframes[0].is_keyframe:
        return None
    if bytes(trial.extradata or b"") != bytes(stream.codec_context.extradata or b""):
        return None
    return HeldSegment(bytes(keyframes[0]), skip.packet, skip.sequence, skip.decode_delay)


def hold_packets(segment: HeldSegment, count: int, keyframe_interval: int) -> list[bytes]:
    """The packets of `count` frames of the hold, one a frame: a keyframe every
    `keyframe_interval` frames, skipped frames numbered from it between (as x264 numbers
    its own: frame_num counts from the keyframe, the picture order count twice that, both
    wrapping at their field's width as H.264 allows)."""
    sequence = segment.sequence
    poc_modulus = 1 << (sequence.poc_lsb_bits or 0)
    group = [segment.keyframe] + [
        renumbered(
            segment.skip, sequence, index % sequence.max_frame_num, (2 * index) % poc_modulus
        )
        for index in range(1, min(count, keyframe_interval))
    ]
    return [group[index % keyframe_interval] for index in range(count)]
