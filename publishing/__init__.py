"""Publishing: from rendered sections to a lecture folder ready for a hall and for YouTube.

render.py drives it: `film` names the sections and qualities, `jobs` renders sections in
parallel Manim processes (reusing what an earlier run finished), and the rest assembles
the full lecture: `video` (MP4s remuxed to a constant frame rate with fast start, joined
without re-encoding), `captions` (merged .srt and YouTube chapters), `thumbnail` and
`manifest`. Nothing here draws or computes training maths.
"""
