"""The film's voices: the lines of narration as speech, or as reading time in a silent film.

Named in voices/registry.py (`voice_named`); what a voice is, in voices/base.py. Below
publishing and scenes; above common/ (tests/test_layers.py holds the layers).
"""
