# The two commands of the README, and the pieces they are made of.
# The Python: `python` where there is one (a virtual environment, conda, pyenv, Colab); else a virtual
# environment in .venv, made with python3 (stock Debian/Ubuntu: no `python`, and a system Python that
# refuses `pip install`). The commands then come from .venv/bin.
VENV ?= .venv
PY ?= $(shell command -v python >/dev/null 2>&1 && echo python || echo $(VENV)/bin/python)
ifeq ($(PY),$(VENV)/bin/python)
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
endif
RUN ?= artifacts/tiny

.PHONY: install train reference reference-check finetune serve test test-all sync outputs docs docs-check docs-links colab-check test-colab test-minimums

install:  ## install minigpt and its development tools (torch comes from PyPI unless already installed)
	@test "$(PY)" != "$(VENV)/bin/python" -o -x "$(PY)" || python3 -m venv $(VENV) || { \
	  echo "no python and no virtual environment: install python3-venv (sudo apt install python3-venv)" >&2; exit 1; }
	$(PY) -m pip install -q -e ".[dev]"

train: install  ## the main job: train the tiny preset offline (resuming if it was interrupted), then sample from it
	minigpt_train --output-dir $(RUN) --resume auto
	minigpt_sample --checkpoint $(RUN) --temperature 0 --prompt "What is 12 + 35?"

reference: train  ## after `make train`: make $(RUN) the package's reference model (minigpt:reference), measure it, rewrite its card; then `make sync` puts the new figures in the docs
	$(PY) -m minigpt.reference build --run $(RUN)

reference-check:  ## the shipped reference model against its card: the files' sha256, then its figures measured again (about 3 minutes)
	$(PY) -m minigpt.reference check

finetune: train  ## after `make train`: fine-tune the tiny model on the chat mix (oasst1, gsm8k, code_alpaca; offline fallbacks), then chat with it
	minigpt_finetune --init-from $(RUN) --output-dir $(RUN)-sft --resume auto
	minigpt_sample --checkpoint $(RUN)-sft --temperature 0 --prompt "What is 12 + 35?"

PORT ?= 8000
serve: install  ## after `make train`: serve the tiny model at http://127.0.0.1:$(PORT) (a chat page, and the OpenAI chat API at /v1); Ctrl-C stops
	minigpt_serve --checkpoint $(RUN) --port $(PORT)

test: install  ## the tests that live in the notebooks (heavy cells skipped)
	$(PY) tools/run_tests.py

test-all: install  ## the full lessons, heavy (#| slow) cells included
	$(PY) tools/run_tests.py --flags slow

sync:  ## regenerate the package, clean the notebooks, refresh badges and README.md
	nbdev_export && nbdev_clean && $(PY) tools/sync_docs.py

outputs:  ## run the notebooks (heavy cells skipped) and store their outputs and figures, for the docs site and GitHub
	$(PY) tools/render_outputs.py && nbdev_clean

docs-check:  ## nbdev's docs processing of every notebook (show_doc cells run), without Quarto; writes _proc/
	$(PY) tools/check_docs.py

docs-links:  ## the API entries and doc links the site will show: entries shown twice, links to the wrong entry or none, borrowed docstrings
	$(PY) tools/check_doclinks.py

docs: docs-check  ## the docs site in _docs/: nbdev_docs when Quarto is installed, else an offline preview (sidebar, contents, search); then the link check's findings
	@if command -v quarto >/dev/null 2>&1; then nbdev_docs; else $(PY) tools/preview_docs.py; fi
	-@$(PY) tools/check_doclinks.py

colab-check:  ## every notebook alone in an empty directory with a fresh HOME, as in Colab (heavy cells skipped)
	$(PY) tools/colab_check.py

COLAB_VENV ?= .venv-colab
COLAB_CONSTRAINTS ?= constraints/colab-2026-11.txt
test-colab:  ## a venv holding Colab's package versions (constraints/), the install cell run in it (what it changes is printed), then colab-check there
	$(PY) tools/colab_env.py --venv $(COLAB_VENV) --constraints $(COLAB_CONSTRAINTS)
	$(PY) tools/colab_check.py --python $(COLAB_VENV)/bin/python

MIN_VENV ?= .venv-min
MIN_CONSTRAINTS ?= constraints/minimums.txt
MIN_PYTHON := $(shell sed -n 's/^min_python *= *//p' settings.ini)
# a Python at settings.ini's min_python: python3.10 on the PATH, else pyenv's; or say which: make test-minimums MIN_PY=...
MIN_PY ?= $(firstword $(foreach p,python$(MIN_PYTHON) $(wildcard $(shell pyenv root 2>/dev/null)/versions/$(MIN_PYTHON).*/bin/python),\
            $(shell $(p) -c 'import sys; assert sys.version.startswith("$(MIN_PYTHON).")' >/dev/null 2>&1 && echo $(p))))
test-minimums:  ## the notebook tests at the oldest supported versions (constraints/minimums.txt) and Python (min_python), in a venv; torch from $$TORCH_PIP_ARGS (default PyPI: a CUDA build, several GB)
	@test -n "$(MIN_PY)" || { echo "error: no Python $(MIN_PYTHON) found; install it or pass MIN_PY=/path/to/python$(MIN_PYTHON)" >&2; exit 2; }
	$(PY) tools/check_minimums.py --constraints $(MIN_CONSTRAINTS)
	test -x $(MIN_VENV)/bin/python || $(MIN_PY) -m venv $(MIN_VENV)
	$(MIN_VENV)/bin/python -m pip install -q --upgrade pip
	$(MIN_VENV)/bin/python -m pip install -q $(TORCH_PIP_ARGS) -c $(MIN_CONSTRAINTS) torch
	$(MIN_VENV)/bin/python -m pip install -q -c $(MIN_CONSTRAINTS) -e ".[dev]"
	$(MIN_VENV)/bin/python -m pip check
	$(MIN_VENV)/bin/python tools/check_minimums.py --installed --constraints $(MIN_CONSTRAINTS)
	cd /tmp && $(abspath $(MIN_VENV))/bin/python -c "import sys, torch, transformers, minigpt; print('python', sys.version.split()[0], '| torch', torch.__version__, '| transformers', transformers.__version__, '| minigpt', minigpt.__file__)"
	MPLBACKEND=Agg $(MIN_VENV)/bin/python tools/run_tests.py
