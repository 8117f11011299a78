"""Draw, on each frame of a play, only the pixels that can change (issue 32), byte for byte
the frame Manim 0.22 would draw.

Manim paints the members below a play's first moving one into a background image and, on
every frame, redraws everything from that member up: static members that merely lie above
a moving one in the drawing order are drawn again and again. Here, from a play's second
frame on, those static members are painted once more, over Manim's background, into a
second image (`Layer.above`), and each frame is

- `above` everywhere outside the damaged region R: the tiles that a moving member covers
  now, or that a cached member covered before it changed or left;
- inside R, Manim's background with every member that reaches R drawn on it, in Manim's
  order, unclipped, on a scratch canvas, whose R tiles are then copied in.

Cairo composites each pixel from that pixel alone, so a pixel outside R sees the same
members, in the same order and looking the same, in `above` as in Manim's drawing, and a
pixel inside R is Manim's drawing itself. A cached member counts as unchanged only while
everything the camera reads to draw it (points, colours, widths, joints) is as it was:
an updater or animation elsewhere that changes it is seen, and R covers its old and new
pixels. Manim's own way is kept wherever this argument is not certain: a camera other
than the plain 2-D `Camera` (3-D, moving), anything but plain vectorized mobjects in the
frame (images, point clouds, background-image colouring, 3-D shading), points that are
not finite, a changed order of cached members, and a play's first frame (a play of one
frame, a still `wait`, gains nothing from a second image).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import cairo
import numpy as np
from manim import Camera, Mobject, Scene, VMobject
from manim.animation.composition import AnimationGroup
from manim.renderer.cairo_renderer import CairoRenderer

from scenes.updating import DRAWN_ARRAYS, DRAWN_VALUES

TILE = 16  # pixels: R is a set of whole tiles, so it is copied in a few rectangles
MITER_LIMIT = 10.0  # Cairo's default, which Manim never changes: a miter reaches 10 half-widths
ANTIALIAS_MARGIN = 2  # pixels of anti-aliased edge around a path, rounded up generously
DRAWN_STYLE = ("joint_type", "cap_style", "tolerance_for_point_equality", "shade_in_3d")


@dataclass
class Layer:
    """A play's cached static members, drawn in order over Manim's background."""

    below: np.ndarray  # what Manim draws a frame over: the static image, or the background
    above: np.ndarray  # below, with every cached member drawn on it
    members: list[VMobject]
    looks: list[tuple]
    boxes: np.ndarray  # the members' pixel_boxes
    matrix: tuple[float, ...]


@dataclass
class PlayState:
    """What the renderer knows of the play it is drawing: which background it started
    from, how many frames it has drawn, and its layer once there is one."""

    number: int  # Manim's count of plays before this one
    background: np.ndarray
    frames: int = 0
    layer: Layer | None = None
    nothing_to_cache: bool = False


def member_look(member: VMobject) -> tuple:
    """Everything Manim's camera reads to draw this one member, as a value that compares by
    content (a shifted member keeps its points array but not its bytes)."""
    parts: list[object] = [member.get_background_image()]
    for name in DRAWN_ARRAYS:
        array = getattr(member, name, None)
        if isinstance(array, np.ndarray):
            parts += (array.shape, array.tobytes())
    parts += [getattr(member, name, None) for name in DRAWN_VALUES + DRAWN_STYLE]
    parts.append(tuple(np.asarray(member.sheen_direction).tolist()))
    return tuple(parts)


def plainly_drawn(member: Mobject) -> bool:
    """A member the 2-D camera draws with Cairo alone, from its own points and colours: a
    vectorized mobject without a background image or 3-D shading."""
    return (
        isinstance(member, VMobject)
        and member.get_background_image() is None
        and not member.shade_in_3d
    )


def cacheable(member: VMobject) -> bool:
    """A member whose drawing depends on nothing but its own look: a colour gradient is
    laid along its whole family's extent, which its look does not hold."""
    gradient = len(member.get_fill_rgbas()) > 1 or len(member.get_stroke_rgbas()) > 1
    return not (gradient and member.submobjects)


def pixel_boxes(
    camera: Camera, matrix: tuple[float, ...], members: list[VMobject]
) -> np.ndarray | None:
    """The pixels each member can touch, as rows x0, y0, x1, y1 (ends excluded): its
    control points' bounds, widened by its stroke, its miters and anti-aliasing. None when
    some points are not finite (Manim then draws a member as nothing)."""
    if not members:
        return np.zeros((0, 4), dtype=np.int64)
    points = [member.points[:, :2] for member in members]
    flat = np.concatenate(points)
    if not np.all(np.isfinite(flat)):
        return None
    starts = np.cumsum([0] + [len(each) for each in points[:-1]])
    xx, _, _, yy, x0, y0 = matrix
    scale, offset = np.array([xx, yy]), np.array([x0, y0])
    ends = np.minimum.reduceat(flat, starts) * scale + offset
    other_ends = np.maximum.reduceat(flat, starts) * scale + offset
    widths = np.array(
        [max(member.get_stroke_width(), member.get_stroke_width(True)) for member in members]
    )
    half_lines = widths * camera.cairo_line_width_multiple * max(abs(xx), abs(yy)) / 2
    margins = (half_lines * MITER_LIMIT + ANTIALIAS_MARGIN)[:, None]
    boxes = np.concatenate(
        (
            np.floor(np.minimum(ends, other_ends) - margins),
            np.ceil(np.maximum(ends, other_ends) + margins),
        ),
        axis=1,
    )
    height, width = camera.pixel_array.shape[:2]
    return np.clip(boxes, 0, [width, height, width, height]).astype(np.int64)


def animated_members(animations: Iterable) -> set[int]:
    """The ids of every family member an animation (or one nested in a group) moves."""
    moved: set[int] = set()
    for animation in animations:
        moved.update(id(member) for member in animation.mobject.get_family())
        if isinstance(animation, AnimationGroup):
            moved |= animated_members(animation.animations)
    return moved


def context_for(pixels: np.ndarray, matrix: tuple[float, ...]) -> cairo.Context:
    """A Cairo context drawing into `pixels` with the camera's own matrix."""
    height, width = pixels.shape[:2]
    surface = cairo.ImageSurface.create_for_data(pixels.data, cairo.FORMAT_ARGB32, width, height)
    context = cairo.Context(surface)
    context.set_matrix(cairo.Matrix(*matrix))
    return context


def draw(
    camera: Camera, pixels: np.ndarray, matrix: tuple[float, ...], members: list[VMobject]
) -> None:
    """Draw the members into `pixels` in order, as the camera draws a run of vectorized
    mobjects (`display_multiple_non_background_colored_vmobjects`)."""
    context = context_for(pixels, matrix)
    for member in members:
        camera.display_vectorized(member, context)


def build_layer(
    camera: Camera,
    below: np.ndarray,
    matrix: tuple[float, ...],
    displayed: list[VMobject],
    moved: set[int],
) -> Layer | None:
    """Paint the members no animation moves over Manim's background, once for the play."""
    members = [m for m in displayed if id(m) not in moved and cacheable(m)]
    boxes = pixel_boxes(camera, matrix, members)
    if not members or boxes is None:
        return None
    above = below.copy()
    draw(camera, above, matrix, members)
    return Layer(below, above, members, [member_look(m) for m in members], boxes, matrix)


def tiles_of(boxes: np.ndarray) -> np.ndarray:
    """Pixel boxes (n x 4) as tile boxes, every tile a box touches included."""
    tiles = boxes.copy()
    tiles[:, :2] //= TILE
    tiles[:, 2:] = -(-tiles[:, 2:] // TILE)
    tiles[:, 2] = np.maximum(tiles[:, 2], tiles[:, 0])
    tiles[:, 3] = np.maximum(tiles[:, 3], tiles[:, 1])
    return tiles


def damaged_tiles(damage: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The tiles (rows x columns, True where damaged) that the pixel boxes touch."""
    rows, columns = -(-shape[0] // TILE), -(-shape[1] // TILE)
    mask = np.zeros((rows, columns), dtype=bool)
    for x0, y0, x1, y1 in tiles_of(damage):
        mask[y0:y1, x0:x1] = True
    return mask


def reaching(mask: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Which pixel boxes touch a damaged tile (a summed-area table answers all at once)."""
    table = np.zeros((mask.shape[0] + 1, mask.shape[1] + 1), dtype=np.int32)
    table[1:, 1:] = mask.cumsum(0).cumsum(1)
    x0, y0, x1, y1 = tiles_of(boxes).T
    return (table[y1, x1] - table[y0, x1] - table[y1, x0] + table[y0, x0]) > 0


def tile_rectangles(mask: np.ndarray, shape: tuple[int, int]) -> list[tuple[slice, slice]]:
    """The damaged tiles as pixel rectangles, one per run of tiles along a row."""
    height, width = shape
    rectangles = []
    for row in np.flatnonzero(mask.any(axis=1)):
        line = np.concatenate(([False], mask[row], [False])).astype(np.int8)
        edges = np.flatnonzero(np.diff(line))
        rows = slice(row * TILE, min((row + 1) * TILE, height))
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            rectangles.append((rows, slice(start * TILE, min(stop * TILE, width))))
    return rectangles


class ChangedOnly:
    """The renderer's side of it: one per CairoRenderer, holding the current play's state
    and a scratch canvas."""

    def __init__(self) -> None:
        self.play: PlayState | None = None
        self.scratch: np.ndarray | None = None

    def draw_frame(self, renderer: CairoRenderer, scene: Scene, mobjects: list | None) -> bool:
        """Draw the frame into the camera's (new) array if it can be done exactly; False
        leaves it to Manim."""
        camera = renderer.camera
        if type(camera) is not Camera or not mobjects:
            return False
        if mobjects is not scene.moving_mobjects:  # not a frame of a play
            return False
        # Manim draws over the play's static image, or over the bare background when the
        # play's first member moves.
        image = renderer.static_image
        background = camera.background if image is None else image
        play = self.play
        if play is None or play.number != renderer.num_plays or play.background is not background:
            self.play = play = PlayState(renderer.num_plays, background)
        play.frames += 1
        if play.frames == 1 or play.nothing_to_cache:
            return False
        displayed = camera.get_mobjects_to_display(mobjects)
        if not all(plainly_drawn(member) for member in displayed):
            return False
        matrix = tuple(camera.get_cairo_context(camera.pixel_array).get_matrix())
        if matrix[1] or matrix[2]:  # rotated or sheared: boxes would not be axis-aligned
            return False
        if play.layer is None:
            play.layer = build_layer(
                camera, background, matrix, displayed, animated_members(scene.animations)
            )
            if play.layer is None:
                play.nothing_to_cache = True  # Manim's way for the rest of the play
                return False
        if play.layer.matrix != matrix:
            return False
        return self.compose(camera, play.layer, displayed)

    def compose(self, camera: Camera, layer: Layer, displayed: list[VMobject]) -> bool:
        """The frame: `above` outside the damaged tiles, Manim's drawing inside."""
        cached = {id(member): at for at, member in enumerate(layer.members)}
        unchanged = np.zeros(len(layer.members), dtype=bool)
        others: list[VMobject] = []  # moving, changed or new: their boxes are drawn afresh
        rows: list[int] = []  # each displayed member's row in the cached boxes, then others'
        last = -1
        for member in displayed:
            at = cached.get(id(member))
            if at is not None and member_look(member) == layer.looks[at]:
                if at < last:
                    return False  # cached members drawn in another order
                last = at
                unchanged[at] = True
                rows.append(at)
            else:
                rows.append(len(layer.members) + len(others))
                others.append(member)
        fresh = pixel_boxes(camera, layer.matrix, others)
        if fresh is None:
            return False
        boxes = np.concatenate((layer.boxes, fresh))[rows]
        damage = np.concatenate((fresh, layer.boxes[~unchanged]))
        frame = camera.pixel_array
        np.copyto(frame, layer.above)
        if not len(damage):
            return True
        shape = frame.shape[:2]
        mask = damaged_tiles(damage, shape)
        reached = reaching(mask, boxes)
        rectangles = tile_rectangles(mask, shape)
        if self.scratch is None or self.scratch.shape != frame.shape:
            self.scratch = np.empty_like(frame)
        for rectangle in rectangles:
            self.scratch[rectangle] = layer.below[rectangle]
        drawn = [member for member, reaches in zip(displayed, reached, strict=True) if reaches]
        draw(camera, self.scratch, layer.matrix, drawn)
        for rectangle in rectangles:
            frame[rectangle] = self.scratch[rectangle]
        return True


def changed_only(renderer: CairoRenderer) -> ChangedOnly:
    """The renderer's ChangedOnly, made on first use."""
    if not hasattr(renderer, "_changed_only"):
        renderer._changed_only = ChangedOnly()
    return renderer._changed_only
