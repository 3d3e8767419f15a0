#!/usr/bin/env python
"""Time minigpt's `GPT` against Hugging Face `LlamaForCausalLM` with the same configuration and weights.

    python benchmarks/bench_model.py                # the reference setting: fp32, 2 threads, 5 repeats
    python benchmarks/bench_model.py --repeats 9

(a) a training step (forward + backward + AdamW) on a batch of 8 x 512 tokens;
(b) generating 256 tokens greedily from a 16-token prompt (batch 1): our KV cache, `LlamaForCausalLM.generate(use_cache=True)`,
    and our model recomputing the whole sequence at every step (no cache).
Model: 6 layers, d_model 384, 6 heads, seq_len 512, vocab 8192. Everything runs in one process; within each repeat the
candidates run one after the other (interleaved), after one warm-up run each; the table reports the median of the repeats.
This is a benchmark, not a test: it prints figures and does not fail.
"""

import argparse, copy, platform, statistics, time
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
    "Seconds per call of each candidate: `warmup` untimed rounds, then `repeats` rounds, candidates interleaved in each."
    for _ in range(warmup):
        for fn in cands.values():
            fn()
    times = {k: [] for k in cands}
    for _ in range(repeats):
        for k, fn in cands.items():
            times[k].append(timed(fn))
    return times


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        '--repeats', type=int, default=5, help='timed rounds (median reported, default %(default)s)'
    )
    p.add_argument('--warmup', type=int, default=1, help='untimed rounds first (default %(default)s)')
    p.add_argument('--threads', type=int, default=2, help='torch CPU threads (default %(default)s)')
    p.add_argument('--only', choices=['train', 'generate'], help='run one of the two benchmarks')
    p.add_argument('--new-tokens', type=int, default=256, help='tokens to generate (default %(default)s)')
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    transformers.logging.set_verbosity_error()
    torch.manual_seed(0)

    cfg = ModelConfig(vocab_size=8192, n_layers=6, d_model=384, n_heads=6, seq_len=512)
    ours = GPT(cfg)
    hf = transformers.LlamaForCausalLM(transformers.LlamaConfig(**llama_config(cfg)))
    hf.load_state_dict(ours.state_dict())
    hf.generation_config.eos_token_id = None  # random weights: never stop early, always 256 tokens
    hf.generation_config.pad_token_id = 0
    print(
        f"torch {torch.__version__}, transformers {transformers.__version__}, {platform.processor() or platform.machine()}, "
        f"{torch.get_num_threads()} threads, fp32; HF attention: {hf.config._attn_implementation}"
    )
    print(
        f"model: {cfg.n_layers} layers, d_model {cfg.d_model}, {cfg.n_heads} heads, d_ff {cfg.ffn_dim}, seq_len {cfg.seq_len}, "
        f"vocab {cfg.vocab_size}, tied embeddings; {ours.num_params() / 1e6:.2f}M parameters"
    )
    seq = torch.randint(0, cfg.vocab_size, (8, cfg.seq_len + 1))
    with torch.no_grad():
        diff = (ours.eval()(seq[:1, :64])[0] - hf.eval()(seq[:1, :64]).logits).abs().max().item()
    print(f"same weights: max |logits difference| = {diff:.2e}\n")

    # (a) training step: separate copies, each with its own AdamW
    t_ours, t_hf = copy.deepcopy(ours).train(), copy.deepcopy(hf).train()
    opt_ours, opt_hf = (
        torch.optim.AdamW(t_ours.parameters(), lr=1e-4),
        torch.optim.AdamW(t_hf.parameters(), lr=1e-4),
    )
    x, y = seq[:, :-1], seq[:, 1:]

    def step_ours():
        _, loss = t_ours(x, y)
        loss.backward()
        opt_ours.step()
        opt_ours.zero_grad(set_to_none=True)

    def step_hf():  # HF shifts the labels itself
        loss = t_hf(input_ids=x, labels=x).loss
        loss.backward()
        opt_hf.step()
        opt_hf.zero_grad(set_to_none=True)

    train = (
        run_interleaved({'GPT': step_ours, 'HF Llama': step_hf}, args.repeats, args.warmup)
        if args.only != 'generate'
        else {}
    )
    del t_ours, t_hf, opt_ours, opt_hf

    # (b) generation, greedy, batch 1
    ours.eval()
    hf.eval()
    prompt, n = seq[:1, :16], args.new_tokens
    outs = {}

    def gen(name, fn):
        return lambda: outs.__setitem__(name, fn())

    cands = {
        'GPT + KV cache': gen('cache', lambda: ours.generate(prompt, n, temperature=0)),
        'HF generate (use_cache)': gen(
            'hf',
            lambda: hf.generate(
                prompt,
                attention_mask=torch.ones_like(prompt),
                max_new_tokens=n,
                do_sample=False,
                use_cache=True,
            ),
        ),
        'GPT, no cache': gen('nocache', lambda: ours.generate(prompt, n, temperature=0, use_cache=False)),
    }
    gens = run_interleaved(cands, args.repeats, args.warmup) if args.only != 'train' else {}
    same = lambda a, b: (outs[a] == outs[b]).float().mean().item() if outs else float('nan')

    med = lambda v: statistics.median(v)
    tokens = x.numel()
    print(f"{'candidate':34s} {'median s':>9s} {'min s':>8s} {'max s':>8s} {'tokens/s':>10s}")
    for k, v in train.items():
        print(f"{'train step: ' + k:34s} {med(v):9.3f} {min(v):8.3f} {max(v):8.3f} {tokens / med(v):10.0f}")
    for k, v in gens.items():
        print(f"{'generate: ' + k:34s} {med(v):9.3f} {min(v):8.3f} {max(v):8.3f} {n / med(v):10.1f}")
    print(
        f"\n({args.repeats} repeats; train: {tokens} tokens per step; generate: {n} new tokens after 16, "
        f"identical to HF: {same('cache', 'hf'):.0%}, identical to no-cache: {same('cache', 'nocache'):.0%})\n"
    )
    ratios = {}
    if train:
        ratios['train: GPT / HF'] = med(train['HF Llama']) / med(train['GPT'])
    if gens:
        ratios['generate: KV cache / HF generate'] = med(gens['HF generate (use_cache)']) / med(
            gens['GPT + KV cache']
        )
        ratios['generate: KV cache / no cache'] = med(gens['GPT, no cache']) / med(gens['GPT + KV cache'])
    for k, r in ratios.items():
        print(f"{k:34s} {r:5.2f}x   target >= {TARGETS[k]:.1f}x   {'met' if r >= TARGETS[k] else 'MISSED'}")
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
