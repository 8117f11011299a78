# The Mechanics of Learning: `make video` renders the lecture, `make test` runs the tests.
# Both first run `make setup`, which installs only what is missing (see tools/setup.sh).

PYTHON := .venv/bin/python
SEED ?= 0
QUALITY ?= 1080p
OUT ?= renders

.PHONY: setup video test lint bench bench-course

setup:
	@bash tools/setup.sh

video: setup
	$(PYTHON) render.py --seed $(SEED) --quality $(QUALITY) --out $(OUT)

lint: setup
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

test: lint
	$(PYTHON) -m pytest -n 2 --dist loadfile  # two workers, each test file on one of them

bench: setup
	$(PYTHON) benchmarks/lesson_speed.py
	$(PYTHON) benchmarks/render_speed.py --seed $(SEED)

bench-course: setup  # lectures per hour, on this machine and on a local Dask cluster
	$(PYTHON) benchmarks/course_speed.py
