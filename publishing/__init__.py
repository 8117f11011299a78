"""Publishing: from rendered sections to a lecture folder ready for a hall and for YouTube.

render.py drives it: `film` names the sections and qualities; `orchestrator` renders the
sections (each a `job`, in a Manim process of its own: `section_render`, `manim_process`,
reusing what an earlier run finished: `reuse`) on this machine or a Dask cluster
(`cluster`), and assembles each lecture as soon as its sections are done; the rest assembles
the full lecture: `video` (MP4s remuxed to a constant frame rate with fast start, joined
without re-encoding, titled), `captions` (merged .srt, its WebVTT twin and YouTube
chapters), `thumbnail` and `manifest`; `progress` tells the person waiting, in lines or a
live bar; `cli` is the console command over render.py and the course's other commands.
Nothing here draws or computes training maths.
"""
