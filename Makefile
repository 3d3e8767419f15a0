# The two commands of the README, and the pieces they are made of.
PY ?= python
RUN ?= artifacts/tiny

.PHONY: install train finetune test test-all sync docs docs-check colab-check test-colab

install:  ## install minigpt and its development tools (torch comes from PyPI unless already installed)
	$(PY) -m pip install -q -e ".[dev]"

train: install  ## the main job: train the tiny preset offline (resuming if it was interrupted), then sample from it
	minigpt_train --output-dir $(RUN) --resume auto
	minigpt_sample --checkpoint $(RUN) --temperature 0 --prompt "What is 12 + 35?"

finetune: train  ## after `make train`: fine-tune the tiny model on the chat mix (oasst1, gsm8k, code_alpaca; offline fallbacks), then chat with it
	minigpt_finetune --init-from $(RUN) --output-dir $(RUN)-sft --resume auto
	minigpt_sample --checkpoint $(RUN)-sft --temperature 0 --prompt "What is 12 + 35?"

test: install  ## the tests that live in the notebooks (heavy cells skipped)
	$(PY) tools/run_tests.py

test-all: install  ## the full lessons, heavy (#| slow) cells included
	$(PY) tools/run_tests.py --flags slow

sync:  ## regenerate the package, clean the notebooks, refresh badges and README.md
	nbdev_export && nbdev_clean && $(PY) tools/sync_docs.py

docs-check:  ## nbdev's docs processing of every notebook (show_doc cells run), without Quarto; writes _proc/
	$(PY) tools/check_docs.py

docs: docs-check  ## the docs site in _docs/: nbdev_docs when Quarto is installed, else a plain HTML preview
	@if command -v quarto >/dev/null 2>&1; then nbdev_docs; else $(PY) tools/preview_docs.py; fi

colab-check:  ## every notebook alone in an empty directory with a fresh HOME, as in Colab (heavy cells skipped)
	$(PY) tools/colab_check.py

COLAB_VENV ?= .venv-colab
COLAB_CONSTRAINTS ?= constraints/colab-2026-11.txt
test-colab:  ## colab-check in a virtual environment holding Colab's package versions (see the constraints file)
	$(PY) -m venv $(COLAB_VENV)
	grep -v '^torch' $(COLAB_CONSTRAINTS) > $(COLAB_VENV)/constraints.txt
	# torch: the CPU wheel (Colab's torch 2.11 from PyPI is a multi-GB CUDA build)
	$(COLAB_VENV)/bin/pip install -q $(TORCH_PIP_ARGS) "$(or $(TORCH_REQ),torch==2.13.0)"
	# what a notebook's install cell installs in Colab, plus what Colab already has (IPython, pandas)
	$(COLAB_VENV)/bin/pip install -q -c $(COLAB_VENV)/constraints.txt . nbdev ipython pandas
	$(COLAB_VENV)/bin/python -c "import fastcore, transformers, ipywidgets, nbdev; print('fastcore', fastcore.__version__, '| transformers', transformers.__version__, '| ipywidgets', ipywidgets.__version__, '| nbdev', nbdev.__version__)"
	$(PY) tools/colab_check.py --python $(COLAB_VENV)/bin/python
