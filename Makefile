# The two commands of the README, and the pieces they are made of.
PY ?= python
RUN ?= artifacts/tiny

.PHONY: install train finetune test test-all sync

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
