#!/usr/bin/env python
"""Fine-tuning a trained base model on real conversations: held-out assistant bits per byte and chat format.

1. The base is a trained run of the main job (default `/work/runs/ts1.0`; any run directory or checkpoint).
   It is read only: its latest checkpoint, config and tokenizer are copied into `--out` first.
2. It is fine-tuned on the course's real chat files (oasst1, gsm8k, code_alpaca from shared/data;
   without them, their offline synthetic stand-ins): every weight, then LoRA on q_proj/v_proj.
3. For the base and each fine-tuned model: held-out assistant-token bits per byte (the fine-tuning
   data's validation split, assistant tokens only, `heldout_bpb`), the share of greedy replies to
   held-out user messages that follow the chat format (end with <|eot|>, no role marker or other
   special token before it), trainable parameters, and time.

    OMP_NUM_THREADS=1 python benchmarks/bench_finetune.py                  # minutes on one CPU core
    python benchmarks/bench_finetune.py --steps 20 --prompts 8             # a quick smoke run
"""

import argparse, json, shutil, sys, time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from minigpt.checkpoint import load_checkpoint, load_trained
from minigpt.finetune import (
    FineTuner,
    LoRAConfig,
    chat_format_rate,
    finetune_config,
    heldout_bpb,
    heldout_prompts,
    trainable_parameters,
)


def shared_data() -> Path | None:
    "The course's shared data directory, if this checkout sits beside one."
    for d in (ROOT.parent / 'shared' / 'data', ROOT.parents[1] / 'shared' / 'data', ROOT / 'shared' / 'data'):
        if (d / 'gsm8k' / 'train.jsonl').exists():
            return d
    return None


def copy_base(src, out: Path) -> Path:
    "A run directory in `out` holding the latest checkpoint of `src`, its config and tokenizer (src is only read)."
    ck = load_checkpoint(src)
    dst = out / 'base'
    shutil.copytree(ck.path, dst / 'checkpoints' / ck.path.name)
    shutil.copyfile(ck.tokenizer_file, dst / 'tokenizer.json')
    shutil.copyfile(ck.path / 'config.json', dst / 'config.json')
    return dst


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--base', default='/work/runs/ts1.0', help='a trained run directory or checkpoint (read only)')
    p.add_argument('--out', default='/tmp/minigpt-bench-finetune')
    p.add_argument('--data', help='the shared data directory (default: shared/data beside this checkout)')
    p.add_argument('--steps', type=int, default=200, help='fine-tuning steps of each run')
    p.add_argument('--prompts', type=int, default=60, help='held-out user messages for the chat-format rate')
    p.add_argument('--samples', type=int, default=3000, help='records per source')
    p.add_argument('--no-lora', action='store_true', help='fine-tune every weight only')
    args = p.parse_args()
    out, sd = Path(args.out), Path(args.data) if args.data else shared_data()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    base_dir = copy_base(args.base, out)
    base_ck = load_checkpoint(base_dir)
    print(
        f'torch threads: {torch.get_num_threads()}; base: {base_ck.path} (step {base_ck.step}); '
        f'shared data: {sd or "none (offline synthetic stand-ins)"}',
        flush=True,
    )
    quiet = dict(verbose=False, live_plot=False)
    chat_files = (
        {
            'oasst1': str(sd / 'oasst1' / 'en-validation.jsonl'),
            'gsm8k': str(sd / 'gsm8k' / 'train.jsonl'),
            'code_alpaca': str(sd / 'code_alpaca' / 'code_alpaca_2k.json'),
        }
        if sd
        else {}
    )
    over = {
        'data.sources': ['oasst1', 'gsm8k', 'code_alpaca'],
        'data.local_files': chat_files,
        'data.offline': True,
        'data.code_languages': ['all'],
        'data.max_samples_per_source': args.samples,
        'training.total_steps': args.steps,
        'training.warmup_steps': min(20, args.steps),
        'training.eval_interval': 100_000,
        'training.checkpoint_interval': 100_000,
        'training.sample_interval': 0,
        'runtime.device': 'cpu',
        'runtime.num_threads': 1,
    }
    runs = [('full fine-tuning', None)]
    if not args.no_lora:
        runs.append(('LoRA r=8 q_proj,v_proj', LoRAConfig(rank=8, alpha=16)))
    rows, prompts, data_dir = [], None, None
    for i, (name, lora) in enumerate(runs):
        cfg = finetune_config(
            base_ck.config, {**over, 'runtime.output_dir': str(out / f'ft{i}')}, lora=lora is not None
        )
        t0 = time.time()
        ft = FineTuner(cfg, base_dir, lora=lora, **quiet)
        setup = time.time() - t0
        if prompts is None:  # "before": the base model on the same held-out conversations
            data_dir, prompts = out / 'ft0' / 'data', heldout_prompts(cfg, args.prompts)
            base_model, tok, _ = load_trained(base_dir)
            b = heldout_bpb(base_model, tok, data_dir)
            rate = chat_format_rate(base_model, tok, prompts)
            rows.append(('base', '-', base_model.num_params(), b['bpb'], rate, 0.0, 0.0))
            print(f"base: held-out assistant bpb {b['bpb']:.3f}, chat format {rate:.1%}", flush=True)
        t0, c0 = time.time(), time.process_time()
        ft.fit()
        dt, cpu = time.time() - t0, time.process_time() - c0
        n_train, _ = trainable_parameters(ft.model)
        model = ft.model.eval()
        bpb = heldout_bpb(model, ft.tokenizer, data_dir)['bpb']
        rate = chat_format_rate(model, ft.tokenizer, prompts)
        rows.append((name, f'{cfg.training.lr:g}', n_train, bpb, rate, dt, cpu))
        print(
            f'{name}: {args.steps} steps in {dt:.0f} s (setup {setup:.0f} s); '
            f'held-out assistant bpb {bpb:.3f}, chat format {rate:.1%}',
            flush=True,
        )
    meta = json.loads((data_dir / 'meta.json').read_text())
    recs = {r['name']: (r['how'], r['train_records'], r['val_records']) for r in meta['sources']}
    m, t = base_ck.config.model, base_ck.config.training
    print(
        f'\nbase {base_ck.path} (step {base_ck.step}): {m.n_layers} layers, d_model {m.d_model}, '
        f'vocab {m.vocab_size}, seq_len {m.seq_len}; fine-tuning: {args.steps} steps, batch {t.batch_size}, '
        f'on {recs} (source: how, train, val records); {len(prompts)} held-out prompts, greedy, '
        'up to 64 new tokens\n'
    )
    print('| model | lr | trainable params | held-out assistant bpb | replies in chat format | train wall (s) | train CPU (s) |')
    print('|---|---:|---:|---:|---:|---:|---:|')
    for name, lr, n, bpb, rate, dt, cpu in rows:
        print(f'| {name} | {lr} | {n:,} | {bpb:.3f} | {rate:.1%} | {dt:.0f} | {cpu:.0f} |')


if __name__ == '__main__':
    main()
