"""The film's section titles, by section number: what each section's title card and header
say, and what render.py names its chapters. Imports no Manim, so render.py can read it."""

TITLES = {
    1: "The Forward Pass",
    2: "The Scorecard (Loss)",
    3: "The \u201cWiggle\u201d (Gradient)",
    4: "The Loop (Optimization)",
    5: "Generalization",
}
