"""The film's voices: the lines of narration as speech (see voices/base.py)."""

from voices.base import PIPER, SILENT, Clip, Voice, voice_named

__all__ = ["PIPER", "SILENT", "Clip", "Voice", "voice_named"]
