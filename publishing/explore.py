"""explore.html: the seed's interactive machine beside its lecture, offline, one file.

The document the film was made from is an interactive page; this is that page for one
seed, with the film's numbers. Every number it shows is computed here, by the engine for
the seed, and written by mechanics/formatting.py: a slider stops only at engine samples,
a button only steps through the engine's trace. The page's script lays things out and
moves them; it never computes or formats a number it shows (its floats are positions).

The page is one file: the template (publishing/explore.html), the film's typeface as a
subset embedded (publishing/webfont.py), the pictures as PNG data, and the machine below
as JSON, so it opens from file:// with no server and makes no network request.
"""

from __future__ import annotations

import base64
import io
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from common.files import whole_or_absent
from mechanics import Lesson
from mechanics import formatting as fmt
from mechanics.landscape import heights
from mechanics.network import WEIGHT_NAMES
from mechanics.scorecard import confidence_slider
from publishing.captions import chapter_time
from publishing.film import LECTURE_STEM, SUBTITLE, TITLE
from publishing.roster import Student, whose
from publishing.webfont import font_face_css
from scenes import style
from scenes.sections import SECTIONS, closing_card

PAGE = "explore.html"
TEMPLATE = Path(__file__).with_name(PAGE)
MACHINE_MARK = "/*MACHINE*/null"  # where the template takes the machine's JSON
FONT_MARK = "/*FONT-FACES*/"  # where it takes the embedded typeface
HEIGHT_MAP_SIZE = 97  # the landscape's picture: this many real losses along and across
LAYOUT_PLACES = 4  # positions are written to this many places; shown numbers are strings
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def explore_file(folder: Path) -> Path:
    return folder / PAGE


def at(value: float) -> float:
    """A position for the page's layout (never shown as a number)."""
    if not math.isfinite(value):
        raise ValueError(f"the engine gave a number the page cannot show: {value}")
    return round(float(value), LAYOUT_PLACES)


def positions(values: Iterable[float]) -> list[float]:
    return [at(value) for value in values]


def png(picture: Image.Image) -> str:
    """A picture as a data URI, so the page needs no file beside it."""
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# 1 and 4: the network at a step ---------------------------------------------------------
def mixer(j: int) -> str:
    return f"mixer {j + 1}"


def line_words(lesson: Lesson, name: str, index: tuple[int, int]) -> str:
    """Which connection a weight is, in words."""
    row, col = index
    if name == "W1":
        return fmt.connection(lesson.tokens[col], row)
    return f"from {mixer(col)} to \u201c{lesson.candidates[row]}\u201d"


def weighted_sum(weights: np.ndarray, signals: np.ndarray, bias: float) -> str:
    """0.42·0.73 + (−0.13)·(−0.51) + 0.00: the sum a node takes, with the real numbers."""
    terms = [f"{fmt.factor(w)}\u00b7{fmt.factor(s)}" for w, s in zip(weights, signals, strict=True)]
    return " + ".join([*terms, fmt.factor(bias)])


def node_math(lesson: Lesson, step: int) -> dict:
    """What each node computes at this step, written out with its real numbers."""
    state = lesson.trace[step]
    params, forward = state.params, state.forward
    inputs = [
        f"\u201c{token}\u201d = {fmt.signed(value)}: the number this token puts in"
        for token, value in zip(lesson.tokens, lesson.inputs, strict=True)
    ]
    hidden = [
        f"h{str(j + 1).translate(SUBSCRIPTS)}"
        f" = tanh({weighted_sum(params['W1'][j], lesson.inputs, params['b1'][j])})"
        f" = tanh({fmt.plain(forward.pre_activations[j])}) = {fmt.plain(forward.hidden[j])}"
        for j in range(len(forward.hidden))
    ]
    exponentials = " + ".join(f"e^{fmt.plain(z)}" for z in forward.logits)
    outputs = [
        f"z({word}) = {weighted_sum(params['W2'][k], forward.hidden, params['b2'][k])}"
        f" = {fmt.plain(forward.logits[k])}; p({word}) = e^{fmt.plain(forward.logits[k])}"
        f" / ({exponentials}) = {fmt.percent(forward.probabilities[k])}"
        for k, word in enumerate(lesson.candidates)
    ]
    return {"inputs": inputs, "hidden": hidden, "outputs": outputs}


def network_at(lesson: Lesson, step: int) -> dict:
    """The network at one step of training: each line's weight (its look and its text),
    the update the step makes to it, what each node computes, and the read-outs."""
    state = lesson.trace[step]
    largest, largest_update = lesson.largest_weight, lesson.largest_update
    lines = []
    for name in WEIGHT_NAMES:
        for index in np.ndindex(state.params[name].shape):
            weight, change = float(state.params[name][index]), float(state.update[name][index])
            lines.append(
                {
                    "text": fmt.signed(weight),
                    "width": at(style.stroke_width_for(weight, largest)),
                    "colour": style.colour_for(weight),
                    "opacity": 1.0 if weight >= 0 else style.NEGATIVE_OPACITY,
                    "change": fmt.signed(change, 3),
                    "up": change > 0,  # the arrow: up (raise) or down (lower)
                    "size": at(abs(change) / largest_update) if largest_update else 0.0,
                }
            )
    target = lesson.target_index
    return {
        "lines": lines,
        "hidden": positions(state.forward.hidden),
        "probabilities": positions(state.probabilities),
        "percents": [fmt.percent(p) for p in state.probabilities],
        "math": node_math(lesson, step),
        "step": fmt.whole(state.index),
        "loss": fmt.loss_value(state.loss),
        "p": fmt.percent(state.probabilities[target]),
    }


def network(lesson: Lesson) -> dict:
    """The network's shape and every step of its training, step 0 the untrained one."""
    first, last = lesson.trace[0].params, len(lesson.trace) - 1
    lines = [
        {
            "id": f"{name}-{index[0]}-{index[1]}",
            "layer": 1 if name == "W1" else 2,
            "from": int(index[1]),
            "to": int(index[0]),
            "words": line_words(lesson, name, index),
        }
        for name in WEIGHT_NAMES
        for index in np.ndindex(first[name].shape)
    ]
    return {
        "inputs": [
            {"token": token, "text": fmt.signed(value), "value": at(value)}
            for token, value in zip(lesson.tokens, lesson.inputs, strict=True)
        ],
        "mixers": len(lesson.trace[0].forward.hidden),
        "lines": lines,
        "steps": [network_at(lesson, step) for step in range(len(lesson.trace))],
        "learning_rate": fmt.plain(lesson.learning_rate),
        "step_ticks": [[step, fmt.whole(step)] for step in (0, last // 2, last)],
        "p_ticks": [[share, fmt.percent(share, 0)] for share in (0.0, 0.5, 1.0)],
    }


# 2: the scorecard -------------------------------------------------------------------------
def scorecard(lesson: Lesson) -> dict:
    """The confidence slider's stops (0.01 to 1 and the network's own p) and the curve."""
    card = lesson.scorecard
    slider = confidence_slider(card)
    return {
        "ps": positions(slider.ps),
        "losses": positions(slider.losses),
        "p_texts": [fmt.confidence(p) for p in slider.ps],
        "loss_texts": [fmt.scorecard_loss(loss) for loss in slider.losses],
        "actual_index": slider.actual_index,
        "start_index": int(np.argmin(np.abs(slider.ps - 0.1))),  # the seed page starts at 0.10
        "curve": [positions(pair) for pair in zip(card.curve_ps, card.curve_losses, strict=True)],
        "ceiling": at(card.loss_ceiling),
        "x_ticks": [[0.0, fmt.plain(0.0, 0)], [0.5, fmt.plain(0.5, 1)], [1.0, fmt.plain(1.0, 0)]],
        "y_ticks": [[value, fmt.plain(value, 0)] for value in range(int(card.loss_ceiling) + 1)],
    }


# 3: the wiggle ----------------------------------------------------------------------------
def wiggle(lesson: Lesson) -> dict:
    """The engine's sweep of the chosen weight: every slider stop is one of its samples."""
    sweep = lesson.wiggle
    row, col = sweep.index
    low, high = float(sweep.ws[0]), float(sweep.ws[-1])
    places = sweep.loss_tick_decimals
    return {
        "words": fmt.connection(lesson.tokens[col], row),
        "line": f"W1-{row}-{col}",
        "ws": positions(sweep.ws),
        "losses": positions(sweep.losses),
        "slopes": positions(sweep.slopes),
        "w_texts": [fmt.signed(w) for w in sweep.ws],
        "loss_texts": [fmt.loss_value(loss) for loss in sweep.losses],
        "slope_texts": [fmt.slope(slope) for slope in sweep.slopes],
        "start_index": sweep.start_index,
        "valley_index": sweep.valley_index,
        "x_ticks": [
            [value, fmt.plain(value, 0)] for value in range(math.ceil(low), math.floor(high) + 1)
        ],
        "y_ticks": [[at(value), fmt.plain(value, places)] for value in sweep.loss_ticks],
    }


# 5: the landscape and the second run -------------------------------------------------------
def height_picture(losses: np.ndarray, scale: Sequence[tuple[str, float]]) -> Image.Image:
    """The losses coloured as the film colours its surface, between the same stops; rows
    run across the path (the top row the largest offset), columns along it."""
    colours = np.array([style.channels(colour) for colour, _ in scale], dtype=float)
    levels = np.array([level for _, level in scale])
    pixels = np.stack(
        [np.interp(losses, levels, colours[:, channel]) for channel in range(3)], axis=-1
    )
    rows = np.round(pixels).astype(np.uint8).transpose(1, 0, 2)[::-1]
    return Image.fromarray(np.ascontiguousarray(rows), mode="RGB")


def landscape(lesson: Lesson) -> dict:
    """The landscape as a height map of real losses, the path, and the ball's read-outs."""
    land = lesson.landscape
    along, across, losses = heights(land, lesson.inputs, lesson.target_index, HEIGHT_MAP_SIZE)
    scale = style.height_scale(land.losses)
    middle = len(across) // 2
    return {
        "image": png(height_picture(losses, scale)),
        "along": [at(along[0]), at(along[-1])],
        "across": [at(across[0]), at(across[-1])],
        "path": positions(land.path[:, 0]),
        "path_losses": positions(land.path_losses),
        "loss_texts": [fmt.loss_value(loss) for loss in land.path_losses],
        "floor": [positions(pair) for pair in zip(along, losses[:, middle], strict=True)],
        "scale": [[colour, fmt.loss_value(level)] for colour, level in scale],
    }


def answer_picture(answers: np.ndarray) -> Image.Image:
    """An answer map as a picture: one pixel per mapped point, its palette index the answer
    (answers[i, j] at input 2 = axis[i], input 3 = axis[j]: columns along input 2, the top
    row the largest input 3)."""
    picture = Image.fromarray(np.ascontiguousarray(answers.T[::-1]).astype(np.uint8), mode="P")
    picture.putpalette(
        [
            channel
            for answer in range(len(style.ANSWER_COLOURS))
            for channel in style.channels(style.region_colour(answer))
        ]
    )
    return picture


def second_run(lesson: Lesson) -> dict:
    """The second run's answer maps at its snapshots, its sentences, and both losses."""
    run = lesson.second_run
    sentences = run.sentences
    snapshots = []
    for snapshot, step in enumerate(run.snapshot_steps):
        snapshots.append(
            {
                "step": fmt.whole(step),
                "at": int(step),
                "image": png(answer_picture(run.maps[snapshot])),
                "right": fmt.whole(run.held_out_right[snapshot]),
                "train_loss": fmt.loss_value(run.train_losses[step]),
                "held_loss": fmt.loss_value(run.held_out_losses[step]),
                "given": [int(answer) for answer in run.given[snapshot]],
            }
        )
    first = max(run.train_losses[0], run.held_out_losses[0])
    top = at(math.ceil(first * 2.0) / 2.0)  # the loss axis: the first loss, rounded up to a half
    steps = len(run.train_losses) - 1
    return {
        "train_count": fmt.whole(run.train_count),
        "held_out_count": fmt.whole(run.held_out_count),
        "sentence_count": fmt.whole(len(sentences.answers)),
        "axis": [at(run.map_axis[0]), at(run.map_axis[-1])],
        "sentences": [
            {"x": at(x), "y": at(y), "answer": int(answer), "held": bool(held)}
            for (_, x, y), answer, held in zip(
                sentences.inputs, sentences.answers, sentences.held_out, strict=True
            )
        ],
        "snapshots": snapshots,
        "train_losses": positions(run.train_losses),
        "held_losses": positions(run.held_out_losses),
        "top": top,
        "x_ticks": [[0, fmt.whole(0)], [steps, fmt.whole(steps)]],
        "y_ticks": [[0.0, fmt.plain(0.0, 0)], [top, fmt.plain(top, 1)]],
    }


# The page -------------------------------------------------------------------------------
def chapters(starts: dict[str, float]) -> dict:
    """Each of the film's sections in this lecture: where its chapter starts, as a link
    into the lecture's video (a media fragment) and as the chapters file writes it."""
    return {
        slug: {"href": f"{LECTURE_STEM}.mp4#t={start:.2f}", "time": chapter_time(start)}
        for slug, start in starts.items()
    }


def machine(lesson: Lesson, starts: dict[str, float], student: Student | None = None) -> dict:
    """Everything the page shows for the lesson's seed. `starts` holds where each section
    (by slug) starts in the lecture beside the page; `student`, whose lecture it is."""
    verbs = [section.closing_word for section in closing_card(SECTIONS)]
    colours = {
        "background": style.BACKGROUND,
        "ink": style.INK,
        "muted": style.MUTED,
        "faint": style.FAINT,
        "node": style.NODE_FILL,
        "positive": style.POSITIVE,
        "negative": style.NEGATIVE,
        "highlight": style.HIGHLIGHT,
        "signal": style.SIGNAL,
        "target": style.TARGET,
        "loss": style.LOSS,
        "increase": style.INCREASE,
        "decrease": style.DECREASE,
        "answers": list(style.ANSWER_COLOURS),
        "regions": [style.region_colour(k) for k in range(len(style.ANSWER_COLOURS))],
    }
    return {
        "title": TITLE,
        "subtitle": SUBTITLE,
        "seed": fmt.whole(lesson.seed),
        "whose": whose(lesson.seed, student),
        "tokens": list(lesson.tokens),
        "candidates": list(lesson.candidates),
        "target": lesson.target,
        "target_index": lesson.target_index,
        "colours": colours,
        "sections": [{"number": s.number, "slug": s.slug, "title": s.title} for s in SECTIONS],
        "chapters": chapters(starts),
        "video": f"{LECTURE_STEM}.mp4",
        "network": network(lesson),
        "scorecard": scorecard(lesson),
        "wiggle": wiggle(lesson),
        "landscape": landscape(lesson),
        "second_run": second_run(lesson),
        "closing": f"You have mastered the loop: {', '.join(verbs)}." if verbs else "",
    }


def characters(template: str, data: str) -> str:
    """Every character the page can show: the typeface is cut down to these."""
    return "".join(sorted(set(template) | set(data) | set("0123456789")))


def page_text(lesson: Lesson, starts: dict[str, float], student: Student | None = None) -> str:
    """The whole page for the lesson's seed (and the student it was made for)."""
    template = TEMPLATE.read_text()
    data = json.dumps(
        machine(lesson, starts, student), ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    data = data.replace("</", "<\\/")  # a string can never close the script that holds it
    faces = font_face_css(characters(template, data))
    return template.replace(FONT_MARK, faces).replace(MACHINE_MARK, data)


def write_explore(
    folder: Path, lesson: Lesson, starts: dict[str, float], student: Student | None = None
) -> Path:
    """Write explore.html for the lesson's seed into the lecture folder; return its path."""
    page = explore_file(folder)
    with whole_or_absent(page) as partial:
        partial.write_text(page_text(lesson, starts, student))
    return page
