"""The figures the choreography report holds a lecture to (the storyboard's targets) and
those it measures with, in one place: every part of the report reads them here."""

from voices.speech import PACE_BAND

# Targets (STORYBOARD.md, "Choreography").
VOICE_OVER_STILL_TARGET = 20.0  # seconds of speech over still pictures in the whole lecture
STILL_SECONDS = 3.0  # a picture unchanged this long or longer is a still
SILENCE_DB = -45.0  # RMS over a window below this is silence
SILENCE_SECONDS = 3.0  # longer than this is a silence to report
PACE = PACE_BAND  # words a minute (voices/speech.py: the pace the voices aim for)
LINE_GAP = 0.5  # seconds between one line's last word and the next line's first
MAX_LINE_CHARS = 42
MAX_CUE_LINES = 2
MAX_CPS = 17.0  # characters a second
LATE = 0.3  # seconds after its word's onset by which a spoken number must be on screen

# Measuring.
WINDOW = 0.05  # seconds: the RMS window of the sound's level
PEAKS_PER_SECOND = 100  # the waveform's min/max envelope, for the picture
WORD_MERGE = 0.3  # words closer than this are one stretch of speech
SAMPLES_PER_SECOND = 10  # pictures compared a second, at most
MOTION_BLOCK = 6  # pixels: pictures are compared in blocks of 6x6 (1080p: 320x180 blocks)
# A sample "changes" when some block (the mean of its 6x6 pixels, in any of R, G, B) differs
# from the picture at the last change by more than CHANGE_LEVEL of 255. A mean over the
# whole frame would miss a read-out turning over (a few hundred pixels of two million); the
# block mean keeps it (a digit's stroke crossing a block moves it by 30 to 100) while
# smoothing the encoder's noise: on seed 5's 1080p60 loop section, still pictures differ
# by at most 10 (a keyframe re-coding the dense lines of the network), most by 3 to 6; a
# bar growing by 2 pixels moved a block by 24. Comparing with the picture at the last
# change, not the previous sample, catches a slow fade or drift too: it adds up.
CHANGE_LEVEL = 16.0
CAPTION_BAND = 0.15  # the bottom of the frame holding captions: neither compared nor read
TURN_BACK = 1.0  # seconds before a number's word searched for when it turned over
TURN_AHEAD = 2.0  # seconds after it searched for a late number
TURN_STEP = 0.1
OCR_HEIGHT = 1080  # frames are scaled up towards this height for tesseract (at most 3x)
