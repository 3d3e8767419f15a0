# The two commands of the README, and the pieces they are made of.
PY ?= python
RUN ?= artifacts/tiny

.PHONY: install train finetune serve test test-all sync outputs docs docs-check docs-links colab-check test-colab

install:  ## install minigpt and its development tools (torch comes from PyPI unless already installed)
	$(PY) -m pip install -q -e ".[dev]"

train: install  ## the main job: train the tiny preset offline (resuming if it was interrupted), then sample from it
	minigpt_train --output-dir $(RUN) --resume auto
	minigpt_sample --checkpoint $(RUN) --temperature 0 --prompt "What is 12 + 35?"

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
