#!/usr/bin/env python
"""Time minigpt's `GPT` against Hugging Face `LlamaForCausalLM` with the same configuration and weights.

    python benchmarks/bench_model.py                # the reference setting: fp32, 2 threads, 5 repeats
    python benchmarks/bench_model.py --repeats 9
    python benchmarks/bench_model.py --baseline /tmp/base   # also time the GPT of another checkout

(a) a training step (forward + backward + AdamW) on a batch of 8 x 512 tokens;
(b) generating 256 tokens greedily from a 16-token prompt (batch 1): our KV cache,
    `LlamaForCausalLM.generate(use_cache=True)`, and our model recomputing the whole sequence at every
    step (no cache).
Model: 6 layers, d_model 384, 6 heads, seq_len 512, vocab 8192. Everything runs in one process; within
each repeat the candidates run one after the other (interleaved), after one warm-up run each; the table
reports the median of the repeats. `--baseline DIR` adds the `GPT` of `DIR/minigpt/model.py` (e.g. a
`git worktree` of an earlier commit) to both benchmarks, with the same weights, so that a change is
measured against what it changes in the same run, under the same load.
This is a benchmark, not a test: it prints figures and does not fail.
"""

import argparse, copy, importlib.util, platform, statistics, sys, time
from pathlib import Path
import torch
import transformers
from minigpt.config import ModelConfig
from minigpt.model import GPT, llama_config

TARGETS = {
    'train: GPT / HF': 1.0,
    'generate: KV cache / HF generate': 1.2,
    'generate: KV cache / no cache': 4.0,
}


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run_interleaved(cands: dict, repeats: int, warmup: int) -> dict[str, list[float]]:
    "Seconds per call of each candidate: `warmup` untimed rounds, then `repeats` rounds, interleaved."
    for _ in range(warmup):
        for fn in cands.values():
            fn()
    times = {k: [] for k in cands}
    for _ in range(repeats):
        for k, fn in cands.items():
            times[k].append(timed(fn))
    return times


def load_baseline(root: str):
    "The `GPT` class of `root/minigpt/model.py`, loaded beside ours (its `.config` import resolves to ours)."
    path = Path(root) / 'minigpt' / 'model.py'
    spec = importlib.util.spec_from_file_location('minigpt._baseline_model', path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.GPT


def train_step(model, x, y, hf: bool = False):
    "A training step of `model` with its own AdamW: forward, backward, update."
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)

    def step():
        # HF shifts the labels itself
        loss = model(input_ids=x, labels=x).loss if hf else model(x, y)[1]
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    return step


def bench_train(models: dict, hf, x, y, args) -> dict[str, list[float]]:
    "Seconds per training step of each of `models` (ours) and of `hf`, each a separate copy."
    cands = {name: train_step(copy.deepcopy(m).train(), x, y) for name, m in models.items()}
    cands['HF Llama'] = train_step(copy.deepcopy(hf).train(), x, y, hf=True)
    return run_interleaved(cands, args.repeats, args.warmup)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=5, help='timed rounds (default %(default)s)')
    p.add_argument('--warmup', type=int, default=1, help='untimed rounds first (default %(default)s)')
    p.add_argument('--threads', type=int, default=2, help='torch CPU threads (default %(default)s)')
    p.add_argument('--only', choices=['train', 'generate'], help='run one of the two benchmarks')
    p.add_argument('--new-tokens', type=int, default=256, help='tokens to generate (default %(default)s)')
    p.add_argument('--baseline', metavar='DIR', help='also time the GPT of DIR/minigpt/model.py')
    args = p.parse_args(argv)
    if args.baseline and not (Path(args.baseline) / 'minigpt' / 'model.py').is_file():
        p.error(f'--baseline {args.baseline}: no minigpt/model.py there')
    torch.set_num_threads(args.threads)
    transformers.logging.set_verbosity_error()
    torch.manual_seed(0)

    cfg = ModelConfig(vocab_size=8192, n_layers=6, d_model=384, n_heads=6, seq_len=512)
    ours = GPT(cfg)
    hf = transformers.LlamaForCausalLM(transformers.LlamaConfig(**llama_config(cfg)))
    hf.load_state_dict(ours.state_dict())
    hf.generation_config.eos_token_id = None  # random weights: never stop early, always 256 tokens
    hf.generation_config.pad_token_id = 0
    models = {'GPT': ours}
    if args.baseline:
        models['GPT baseline'] = load_baseline(args.baseline)(cfg)
        models['GPT baseline'].load_state_dict(ours.state_dict())
    cpu = platform.processor() or platform.machine()
    print(
        f"torch {torch.__version__}, transformers {transformers.__version__}, {cpu}, "
        f"{torch.get_num_threads()} threads, fp32; HF attention: {hf.config._attn_implementation}"
    )
    print(
        f"model: {cfg.n_layers} layers, d_model {cfg.d_model}, {cfg.n_heads} heads, d_ff {cfg.ffn_dim}, "
        f"seq_len {cfg.seq_len}, vocab {cfg.vocab_size}, tied embeddings; "
        f"{ours.num_params() / 1e6:.2f}M parameters"
    )
    if args.baseline:
        print(f"baseline: the GPT of {Path(args.baseline).resolve() / 'minigpt' / 'model.py'}")
    seq = torch.randint(0, cfg.vocab_size, (8, cfg.seq_len + 1))
    with torch.no_grad():
        diff = (ours.eval()(seq[:1, :64])[0] - hf.eval()(seq[:1, :64]).logits).abs().max().item()
    print(f"same weights: max |logits difference| = {diff:.2e}\n")

    # (a) training step: separate copies, each with its own AdamW
    x, y = seq[:, :-1], seq[:, 1:]
    train = bench_train(models, hf, x, y, args) if args.only != 'generate' else {}

    # (b) generation, greedy, batch 1
    for m in (*models.values(), hf):
        m.eval()
    prompt, n = seq[:1, :16], args.new_tokens
    outs = {}

    def gen(name, fn):
        return lambda: outs.__setitem__(name, fn())

    def hf_generate():
        mask = torch.ones_like(prompt)
        return hf.generate(prompt, attention_mask=mask, max_new_tokens=n, do_sample=False, use_cache=True)

    cands = {'GPT + KV cache': gen('cache', lambda: ours.generate(prompt, n, temperature=0))}
    if args.baseline:
        base = models['GPT baseline']
        cands['GPT baseline + KV cache'] = gen('base', lambda: base.generate(prompt, n, temperature=0))
    cands['HF generate (use_cache)'] = gen('hf', hf_generate)
    cands['GPT, no cache'] = gen('nocache', lambda: ours.generate(prompt, n, temperature=0, use_cache=False))
    gens = run_interleaved(cands, args.repeats, args.warmup) if args.only != 'train' else {}

    def same(a, b):
        return (outs[a] == outs[b]).float().mean().item() if a in outs and b in outs else float('nan')

    med = statistics.median
    tokens = x.numel()
    print(f"{'candidate':36s} {'median s':>9s} {'min s':>8s} {'max s':>8s} {'tokens/s':>10s}")
    for k, v in train.items():
        print(f"{'train step: ' + k:36s} {med(v):9.3f} {min(v):8.3f} {max(v):8.3f} {tokens / med(v):10.0f}")
    for k, v in gens.items():
        print(f"{'generate: ' + k:36s} {med(v):9.3f} {min(v):8.3f} {max(v):8.3f} {n / med(v):10.1f}")
    print(
        f"\n({args.repeats} repeats; train: {tokens} tokens per step; generate: {n} new tokens after 16, "
        f"identical to HF: {same('cache', 'hf'):.0%}, identical to no-cache: {same('cache', 'nocache'):.0%}"
        + (f", identical to the baseline: {same('cache', 'base'):.0%})\n" if args.baseline else ")\n")
    )
    ratios = {}
    if train:
        ratios['train: GPT / HF'] = med(train['HF Llama']) / med(train['GPT'])
        if args.baseline:
            ratios['train: GPT / baseline'] = med(train['GPT baseline']) / med(train['GPT'])
    if gens:
        cache = med(gens['GPT + KV cache'])
        ratios['generate: KV cache / HF generate'] = med(gens['HF generate (use_cache)']) / cache
        ratios['generate: KV cache / no cache'] = med(gens['GPT, no cache']) / cache
        if args.baseline:
            ratios['generate: KV cache / baseline'] = med(gens['GPT baseline + KV cache']) / cache
    for k, r in ratios.items():
        if k in TARGETS:
            verdict = 'met' if r >= TARGETS[k] else 'MISSED'
            print(f"{k:36s} {r:5.2f}x   target >= {TARGETS[k]:.1f}x   {verdict}")
        else:
            print(f"{k:36s} {r:5.2f}x   (above 1: faster than the baseline)")
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
