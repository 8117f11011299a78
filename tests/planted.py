"""Scenes with a planted defect that more than one test module must catch."""

from __future__ import annotations

from scenes.wiggle import Wiggle


class WiggleWhoseLossFollowsTheSlopes(Wiggle):
    """The "loss = " read-out wired to the slopes: well drawn numbers, but not losses."""

    def readout(self, prefix, series, tracker, formatter, **text_kwargs):
        if prefix == "loss = ":
            series = self.src.wiggle.slopes
        return super().readout(prefix, series, tracker, formatter, **text_kwargs)
