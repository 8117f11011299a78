"""Command lines that answer bad input with one line, for every command of the project.

It lives in publishing, not common: common's files are in every section's render key
(publishing/reuse.py), and how a command line is read decides no pixel."""

from __future__ import annotations

import argparse


class UsageError(Exception):
    """Bad input from the person at the keyboard: one line, exit code 2."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a mistake raises UsageError instead of printing usage and exiting."""

    def error(self, message: str):
        raise UsageError(f"{message} (see --help)")
