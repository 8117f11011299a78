"""Choreography: how a finished lecture's voice and picture move together, measured.

    python -m publishing.choreography renders/seed-5/1080p/ [--picture OUT.png]
                                      [--json OUT.json] [--strict]

Reads the lecture folder render.py wrote (the MP4, its .srt and beats.json) and measures it
against the storyboard's figures (STORYBOARD.md, "Choreography"):

- voice over still picture: seconds of speech inside runs of STILL_SECONDS or more where
  the picture (the caption band aside) does not change; at most 20 s in the lecture;
- silences: stretches over 3 s below -45 dBFS, outside the title cards and the end;
- pace: each cue's words a minute over its speech (150-165), the gaps between lines (0.5 s);
- captions: characters a line (42), lines a cue (2), characters a second (17);
- spoken numbers: each number the voice says is on screen (outside the caption band) while
  it is said, read back by tesseract; when it turned over, relative to its word.

It prints the figures per section and for the lecture, a PASS/FAIL line per target, and
draws a timeline (choreography.png). The figures are a report: the exit code is 0 whatever
they are, unless --strict, then 1 when a target fails. Bad input exits 2.

The measuring is plain functions over plain data (intervals, arrays of levels, cues, words);
the decoding (PyAV) and reading (tesseract) sit at the end of the modules that need them.
The modules, each importing only those above it in this list:

- thresholds: the targets and the measuring settings;
- lecture: the folder read (sections, beats, lines and their words, cues), BadInput;
- intervals: time as (start, end) intervals, the section at a time, M:SS.s;
- sound: levels, silences, loud stretches, the waveform (decoded with PyAV);
- words: when each word is said (the folder's times, or estimated);
- picture: the picture's motion, still runs and the speech over them (PyAV);
- pace, captions: words a minute and gaps between lines; the caption rules;
- numbers: the spoken numbers and when the screen showed them;
- ocr: the screen read by tesseract around each spoken number;
- report: a verdict per target, the report as text;
- measure: the folder read, decoded and measured into the report's data;
- plot: the timeline picture;
- __main__: the command line.
"""
