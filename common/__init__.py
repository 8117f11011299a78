"""The bottom layer: files written whole and their digests, and speech as samples.

Voices, scenes and publishing all use these; they import nothing of the project, so every
layer can stand on them without an import running back up (tests/test_layers.py).
"""
