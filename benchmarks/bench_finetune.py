#!/usr/bin/env python
"""Does fine-tuning on conversations help a base model trained on plain text? Before/after, full and LoRA.

1. A base model (smaller than the tiny preset: 2 layers, d_model 64, 512 tokens, 128-token context) is trained on stories only: TinyStories from
   ../shared/data when present, else the offline synthetic stories.
2. It is fine-tuned on a chat mix (oasst1, gsm8k, code_alpaca from ../shared/data when present, else
   their offline synthetic fallbacks): every weight, LoRA on q_proj/v_proj, LoRA on every projection.
3. For the base and each fine-tuned model: held-out assistant-token bits per byte (the fine-tuning
   run's validation split, assistant tokens only), the share of greedy replies to held-out user
   messages that follow the chat format (end with <|eot|>, no role marker or other special token
   before it), trainable parameters, and wall time.

    OMP_NUM_THREADS=1 python benchmarks/bench_finetune.py                 # minutes on a CPU core (wall time grows with the machine's load)
    python benchmarks/bench_finetune.py --base-steps 60 --ft-steps 30    # a quick smoke run
"""

import argparse, json, os, sys, time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from minigpt.config import Config
from minigpt.checkpoint import load_checkpoint, load_trained
from minigpt.train import train
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
    for d in (ROOT.parent / 'shared' / 'data', ROOT.parents[1] / 'shared' / 'data', ROOT / 'shared' / 'data'):
        if (d / 'gsm8k' / 'train.jsonl').exists():
            return d
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--out', default='/tmp/minigpt-bench-finetune')
    p.add_argument('--base-steps', type=int, default=300)
    p.add_argument('--ft-steps', type=int, default=150)
    p.add_argument('--prompts', type=int, default=40)
    p.add_argument('--samples', type=int, default=1500, help='records per source')
    p.add_argument(
        '--model',
        default='{"model.n_layers": 2, "model.d_model": 64, "model.vocab_size": 512, "model.seq_len": 128}',
        help="JSON of model.* overrides of the tiny preset (default: a smaller model, so the whole run takes minutes)",
    )
    args = p.parse_args()
    out, sd = Path(args.out), shared_data()
    import shutil

    shutil.rmtree(out, ignore_errors=True)
    print(
        f'torch threads: {torch.get_num_threads()}; shared data: {sd or "none (offline synthetic fallbacks)"}',
        flush=True,
    )
    quiet = dict(verbose=False, live_plot=False)
    common = {
        'data.offline': True,
        'data.max_samples_per_source': args.samples,
        'data.synthetic_samples': args.samples,
        'training.eval_interval': 10_000,
        'training.sample_interval': 0,
        'runtime.device': 'cpu',
    }

    # 1. the base model: plain text only
    text_files = {'tinystories': str(sd / 'tinystories' / 'tinystories_train_prefix_2MiB.txt')} if sd else {}
    base_cfg = Config.from_preset('tiny').override(
        {
            **json.loads(args.model),
            **common,
            'data.sources': ['tinystories'],
            'data.local_files': text_files,
            'training.total_steps': args.base_steps,
            'training.warmup_steps': min(30, args.base_steps),
            'training.checkpoint_interval': 10_000,
            'runtime.output_dir': str(out / 'base'),
        }
    )
    t0, c0 = time.time(), time.process_time()
    train(base_cfg, **quiet)
    base_time, base_cpu = time.time() - t0, time.process_time() - c0
    print(f'base: {args.base_steps} steps in {base_time:.0f} s', flush=True)

    # 2. fine-tuning runs on the chat mix
    chat_files = (
        {
            'oasst1': str(sd / 'oasst1' / 'en-validation.jsonl'),
            'gsm8k': str(sd / 'gsm8k' / 'train.jsonl'),
            'code_alpaca': str(sd / 'code_alpaca' / 'code_alpaca_2k.json'),
        }
        if sd
        else {}
    )
    ft_over = {
        **common,
        'data.local_files': chat_files,
        'data.code_languages': ['all'],
        'training.total_steps': args.ft_steps,
        'training.warmup_steps': min(15, args.ft_steps),
        'training.checkpoint_interval': 10_000,
    }
    base_ck = load_checkpoint(out / 'base')
    runs = [
        ('full fine-tuning', None),
        ('LoRA r=8 q_proj,v_proj', LoRAConfig(rank=8, alpha=16)),
        (
            'LoRA r=8 all projections',
            LoRAConfig(
                rank=8,
                alpha=16,
                targets=['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
            ),
        ),
    ]
    rows, prompts, data_dir = [], None, None
    for i, (name, lora) in enumerate(runs):
        cfg = finetune_config(
            base_ck.config, {**ft_over, 'runtime.output_dir': str(out / f'ft{i}')}, lora=lora is not None
        )
        ft = FineTuner(cfg, out / 'base', lora=lora, **quiet)
        if prompts is None:  # "before": the base model on the same held-out chats
            data_dir, prompts = out / 'ft0' / 'data', heldout_prompts(cfg, args.prompts)
            base_model, tok, _ = load_trained(out / 'base')
            b = heldout_bpb(base_model, tok, data_dir)
            rows.append(
                (
                    'base (stories only)',
                    '-',
                    base_model.num_params(),
                    b['bpb'],
                    chat_format_rate(base_model, tok, prompts),
                    base_time,
                    base_cpu,
                )
            )
        t0, c0 = time.time(), time.process_time()
        ft.fit()
        dt, cpu = time.time() - t0, time.process_time() - c0
        n_train, n_all = trainable_parameters(ft.model)
        model = ft.model.eval()
        rows.append(
            (
                name,
                f'{cfg.training.lr:g}',
                n_train,
                heldout_bpb(model, ft.tokenizer, data_dir)['bpb'],
                chat_format_rate(model, ft.tokenizer, prompts),
                dt,
                cpu,
            )
        )
        print(f'{name}: {args.ft_steps} steps in {dt:.0f} s', flush=True)

    m = base_cfg.model
    print(
        f'\nbase: {m.n_layers} layers, d_model {m.d_model}, vocab {m.vocab_size}, seq_len {m.seq_len}, {args.base_steps} steps on stories; fine-tuning: {args.ft_steps} steps on '
        f'oasst1 + gsm8k + code_alpaca ({"shared/data files" if sd else "offline synthetic fallbacks"}), '
        f'{len(prompts)} held-out prompts, greedy, up to 64 new tokens\n'
    )
    print(
        '| model | lr | trainable params | held-out assistant bpb | replies in chat format | train wall (s) | train CPU (s) |'
    )
    print('|---|---:|---:|---:|---:|---:|---:|')
    for name, lr, n, bpb, rate, dt, cpu in rows:
        print(f'| {name} | {lr} | {n:,} | {bpb:.3f} | {rate:.0%} | {dt:.0f} | {cpu:.0f} |')


if __name__ == '__main__':
    main()
