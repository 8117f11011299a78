"""Scenes with a planted defect that more than one test module must catch."""

from __future__ import annotations

from scenes import style
from scenes.diagram import NetworkDiagram
from scenes.wiggle import Wiggle


def painted_yellow(diagram: NetworkDiagram, name: str, index: tuple[int, int]):
    """The film's old way to pick a line out: repainted in the highlight colour, whatever
    its weight's sign (a negative weight then looks positive)."""
    line = diagram.weight_line(name, index)
    line.set_z_index(1)
    return line.animate.set_stroke(color=style.HIGHLIGHT, opacity=1.0)


class WiggleWhoseLossFollowsTheSlopes(Wiggle):
    """The "loss = " read-out wired to the slopes: well drawn numbers, but not losses."""

    def readout(self, prefix, series, tracker, formatter, **text_kwargs):
        if prefix == "loss = ":
            series = self.src.wiggle.slopes
        return super().readout(prefix, series, tracker, formatter, **text_kwargs)
