#!/usr/bin/env python
"""Fine-tuning a trained base model on real conversations, the old way and the new, side by side.

1. The base is a trained run of the main job (default `/work/runs/ts1.0`; any run directory or checkpoint).
   It is read only: its latest checkpoint, config and tokenizer are copied into `--out` first.
2. It is fine-tuned twice on the course's real chat files (oasst1, gsm8k, code_alpaca from shared/data;
   without them, their offline synthetic stand-ins), every weight, same steps, same seed, same rows per
   step (`--batch` rows in `--accum` micro-batches):
   - windows (before): random `seq_len` windows over the stream of conversations, causal attention only,
     the step's loss the average of its micro-batches' means (chapter 04's trainer, unchanged);
   - whole conversations (now): `FineTuner`, rows of whole conversations packed best-fit, attention kept
     inside each conversation, the step's loss the mean over all its assistant tokens.
3. For the base and each fine-tuned model: held-out assistant bits per byte, read two ways (the validation
   split in windows, `heldout_bpb`; and in packed rows of whole conversations under their document mask),
   and the share of greedy replies to held-out user messages that follow the chat format (end with
   <|eot|>, no role marker or other special token before it).

    OMP_NUM_THREADS=1 python benchmarks/bench_finetune.py                  # a few minutes on one core
    python benchmarks/bench_finetune.py --steps 20 --prompts 8             # a quick smoke run
"""

import argparse, shutil, sys, time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from minigpt import data as mdata  # noqa: E402  (this checkout's package, not an installed one)
from minigpt.checkpoint import load_checkpoint, load_trained  # noqa: E402
from minigpt.finetune import (  # noqa: E402
    FineTuner,
    chat_format_rate,
    document_mask,
    document_masked,
    finetune_config,
    heldout_bpb,
    heldout_prompts,
    use_document_masks,
)
from minigpt.metrics import loss_summary, loss_totals, token_byte_lengths  # noqa: E402
from minigpt.train import Trainer  # noqa: E402


class WindowFineTuner(FineTuner):
    "Fine-tuning as it was: windows over the stream, causal attention only, the average of micro-batch means."

    _prepare_data = Trainer._prepare_data
    train_step = Trainer.train_step
    _forward = Trainer._forward


def shared_data() -> Path | None:
    "The course's shared data directory, if this checkout sits beside one."
    for d in (ROOT.parent / 'shared' / 'data', ROOT.parents[1] / 'shared' / 'data', ROOT / 'shared' / 'data'):
        if (d / 'gsm8k' / 'train.jsonl').exists():
            return d
    return None


def copy_base(src, out: Path) -> Path:
    "A run directory in `out`: the latest checkpoint of `src`, its config and tokenizer (`src` is only read)."
    ck = load_checkpoint(src)
    dst = out / 'base'
    shutil.copytree(ck.path, dst / 'checkpoints' / ck.path.name)
    shutil.copyfile(ck.tokenizer_file, dst / 'tokenizer.json')
    shutil.copyfile(ck.path / 'config.json', dst / 'config.json')
    return dst


@torch.no_grad()
def whole_bpb(model, tokenizer, data_dir, batch_size: int = 16) -> float:
    "Bits per byte of the assistant tokens of the validation split, read as packed whole conversations."
    model = use_document_masks(model).eval()
    tb = token_byte_lengths(tokenizer, model.config.vocab_size)
    rows = mdata.PackedBatches(data_dir, 'val', model.config.seq_len, batch_size)

    acc = torch.zeros(4, dtype=torch.float64)
    for x, y in rows.eval_batches():
        with document_masked(model, document_mask(x, tokenizer.bos_id)):
            acc += loss_totals(model, [(x, y)], tb)
    return loss_summary(acc)['bpb']


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        '--base', default='/work/runs/ts1.0', help='a trained run directory or checkpoint (read only)'
    )
    p.add_argument('--out', default='/tmp/minigpt-bench-finetune')
    p.add_argument('--data', help='the shared data directory (default: shared/data beside this checkout)')
    p.add_argument('--steps', type=int, default=100, help='fine-tuning steps of each run')
    p.add_argument('--batch', type=int, default=16, help='rows per step (both ways)')
    p.add_argument('--accum', type=int, default=2, help='micro-batches per step')
    p.add_argument('--prompts', type=int, default=60, help='held-out user messages for the chat-format rate')
    p.add_argument('--samples', type=int, default=3000, help='records per source')
    args = p.parse_args()
    torch.set_num_threads(1)
    out, sd = Path(args.out), Path(args.data) if args.data else shared_data()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    base_dir = copy_base(args.base, out)
    base_ck = load_checkpoint(base_dir)
    print(
        f'torch threads: {torch.get_num_threads()}; base: {args.base} (step {base_ck.step}); '
        f'shared data: {sd or "none (offline synthetic stand-ins)"}',
        flush=True,
    )
    chat_files = {
        'oasst1': str(sd / 'oasst1' / 'en-validation.jsonl'),
        'gsm8k': str(sd / 'gsm8k' / 'train.jsonl'),
        'code_alpaca': str(sd / 'code_alpaca' / 'code_alpaca_2k.json'),
    }
    over = {
        'data.sources': ['oasst1', 'gsm8k', 'code_alpaca'],
        'data.local_files': chat_files if sd else {},
        'data.offline': True,
        'data.code_languages': ['all'],
        'data.max_samples_per_source': args.samples,
        'training.total_steps': args.steps,
        'training.warmup_steps': min(20, args.steps),
        'training.batch_size': args.batch // args.accum,
        'training.grad_accum_steps': args.accum,
        'training.eval_interval': 100_000,
        'training.checkpoint_interval': 100_000,
        'training.sample_interval': 0,
        'runtime.device': 'cpu',
        'runtime.num_threads': 1,
    }
    quiet = dict(verbose=False, live_plot=False)
    rows, prompts, data_dir = [], None, None
    for i, (name, cls) in enumerate(
        [('windows (before)', WindowFineTuner), ('whole conversations', FineTuner)]
    ):
        cfg = finetune_config(base_ck.config, {**over, 'runtime.output_dir': str(out / f'ft{i}')})
        ft = cls(cfg, base_dir, **quiet)
        if prompts is None:  # the base model on the same held-out conversations
            data_dir, prompts = out / 'ft0' / 'data', heldout_prompts(cfg, args.prompts)
            base_model, tok, _ = load_trained(base_dir)
            b = heldout_bpb(base_model, tok, data_dir)['bpb']
            w = whole_bpb(base_model, tok, data_dir)
            rate = chat_format_rate(base_model, tok, prompts)
            rows.append(('base', b, w, rate, 0.0, '-'))
            print(
                f'base: held-out assistant bpb {b:.3f} (whole conversations {w:.3f}), chat format {rate:.1%}'
            )
        n_windows = mdata.Batches(data_dir, 'train', cfg.model.seq_len, 1).n_windows
        t0 = time.process_time()
        ft.fit()
        cpu = time.process_time() - t0
        model = ft.model.eval()
        b, w = heldout_bpb(model, ft.tokenizer, data_dir)['bpb'], whole_bpb(model, ft.tokenizer, data_dir)
        rate = chat_format_rate(model, ft.tokenizer, prompts)
        how = (
            ft.train_batches.summary()
            if cls is FineTuner
            else f'{n_windows:,} windows of {cfg.model.seq_len + 1} tokens'
        )
        rows.append((name, b, w, rate, cpu, how))
        print(
            f'{name}: {args.steps} steps, {cpu:.0f} s CPU; bpb {b:.3f} (whole {w:.3f}), '
            f'chat format {rate:.1%}'
        )
    m = base_ck.config.model
    print(
        f'\nbase {args.base} (step {base_ck.step}): {m.n_layers} layers, d_model {m.d_model}, '
        f'vocab {m.vocab_size}, seq_len {m.seq_len}; fine-tuning every weight, {args.steps} steps of '
        f'{args.batch} rows ({args.accum} micro-batches), AdamW lr {cfg.training.lr:g}; '
        f'{len(prompts)} held-out prompts, greedy, up to 64 new tokens\n'
    )
    print(
        '| model | held-out assistant bpb (windows) | (whole conversations) | chat format | train CPU (s) |'
    )
    print('|---|---:|---:|---:|---:|')
    for name, b, w, rate, cpu, _ in rows:
        print(f'| {name} | {b:.3f} | {w:.3f} | {rate:.1%} | {cpu:.0f} |')
    print('\n' + '\n'.join(f'{name}: {how}' for name, *_, how in rows[1:]))


if __name__ == '__main__':
    main()
