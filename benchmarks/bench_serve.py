#!/usr/bin/env python
"""A bounded load test of `minigpt_serve`: many streaming chat completions at once, on loopback.

    python benchmarks/bench_serve.py                      # the micro model, trained here in seconds
    python benchmarks/bench_serve.py --checkpoint artifacts/tiny --requests 20 --max-tokens 128

The server runs in this process (a background thread, a free port on 127.0.0.1); `--requests` clients
(threads) each send one streaming request at the same moment, a question of their own with a seed of
their own, and read the server-sent events to the end. Reported: how many completed (a `[DONE]`, a
finish_reason and the token counts), the time to the first text and to the end of each stream (p50,
p95, max), and the tokens per second of the whole run. One request is timed alone first, for
comparison. The default model is the serving chapter's micro model (1 layer, d_model 32, a 64-token
context, 30 training steps). Every request is bounded by `--timeout`; the script exits 1 if any request
failed. A benchmark, not a test: the figures depend on the machine and its load.
"""

import argparse, http.client, json, platform, statistics, sys, tempfile, threading, time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from minigpt import data as mdata  # noqa: E402  (this checkout's package)
from minigpt.config import Config  # noqa: E402
from minigpt.sample import load_model  # noqa: E402
from minigpt.serve import BackgroundServer, create_app  # noqa: E402
from minigpt.tokenizer import Tokenizer  # noqa: E402
from minigpt.train import train  # noqa: E402


def micro_checkpoint(out: Path) -> Path:
    "Train the serving chapter's micro model (seconds on a CPU core) and return its run directory."
    texts = mdata.iter_source_texts(['synthetic'], limit=400)
    tok = Tokenizer.train(texts, vocab_size=320, show_progress=False)
    tok.save(out / 'tok.json')
    cfg = Config().override(
        {
            'model.vocab_size': 320,
            'model.n_layers': 1,
            'model.d_model': 32,
            'model.n_heads': 2,
            'model.seq_len': 64,
            'training.total_steps': 30,
            'training.batch_size': 8,
            'training.lr': 1e-2,
            'training.warmup_steps': 2,
            'training.eval_interval': 1000,
            'training.checkpoint_interval': 1000,
            'training.sample_interval': 0,
            'data.sources': ['synthetic'],
            'data.synthetic_samples': 400,
            'data.tokenizer_path': str(out / 'tok.json'),
            'runtime.device': 'cpu',
            'runtime.output_dir': str(out / 'run'),
        }
    )
    train(cfg, verbose=False, live_plot=False)
    return out / 'run'


def stream_one(host, port, i, max_tokens, timeout, start=None) -> dict:
    "One streaming request: seconds to its first text and to its end, its tokens, and whether it completed."
    body = {
        'messages': [{'role': 'user', 'content': f'What is {i} + {i + 1}?'}],
        'stream': True,
        'seed': i,
        'temperature': 1.0,
        'max_tokens': max_tokens,
        'stream_options': {'include_usage': True},
    }
    out = {'ok': False, 'first': None, 'end': None, 'tokens': 0, 'error': None}
    if start is not None:
        start.wait()
    t0 = time.perf_counter()
    out['t0'] = t0
    try:
        c = http.client.HTTPConnection(host, port, timeout=timeout)
        c.request('POST', '/v1/chat/completions', json.dumps(body), {'Content-Type': 'application/json'})
        r = c.getresponse()
        if r.status != 200:
            out['error'] = f'HTTP {r.status}: {r.read()[:200]!r}'
            return out
        finish, done = None, False
        for line in r:
            if not line.startswith(b'data: '):
                continue
            if line.strip() == b'data: [DONE]':
                done = True
                break
            event = json.loads(line[6:])
            if 'error' in event:
                out['error'] = event['error']['message']
                break
            if event.get('usage'):
                out['tokens'] = event['usage']['completion_tokens']
            for choice in event['choices']:
                if choice['delta'].get('content') and out['first'] is None:
                    out['first'] = time.perf_counter() - t0
                finish = choice['finish_reason'] or finish
        out['end'] = time.perf_counter() - t0
        out['ok'] = done and finish in ('stop', 'length') and out['tokens'] > 0
        if not out['ok'] and out['error'] is None:
            out['error'] = f'stream ended without [DONE] or counts (finish {finish})'
        c.close()
    except (OSError, http.client.HTTPException, ValueError) as e:
        out['error'] = f'{type(e).__name__}: {e}'
    return out


def pct(xs, q):
    "The q-th percentile of xs (nearest rank)."
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q / 100 * len(xs) + 0.5) - 1))]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        '--checkpoint', metavar='PATH', help='a run or checkpoint directory (default: train the micro model)'
    )
    p.add_argument('--requests', type=int, default=50, help='streams at once (default: %(default)s)')
    p.add_argument('--max-tokens', type=int, default=32, help='max_tokens of each (default: %(default)s)')
    p.add_argument('--timeout', type=float, default=300, help='seconds one may take (default: %(default)s)')
    p.add_argument('--threads', type=int, default=1, help='torch CPU threads (default: %(default)s)')
    p.add_argument('--device', default='cpu', help='device of the model (default: %(default)s)')
    args = p.parse_args(argv)
    if not 1 <= args.requests <= 500:
        p.error(f'--requests must be from 1 to 500, got {args.requests}')
    torch.set_num_threads(args.threads)
    if args.checkpoint:
        path = Path(args.checkpoint)
    else:
        path = micro_checkpoint(Path(tempfile.mkdtemp(prefix='bench-serve-')))
    model, tok, ck = load_model(path, args.device)
    print(
        f'model: {ck.path} ({model.num_params() / 1e6:.2f}M parameters, context {model.config.seq_len}); '
        f'torch {torch.__version__}, {platform.processor() or platform.machine()}, '
        f'{torch.get_num_threads()} thread(s), {args.device}'
    )
    app = create_app(model, tok, ck, max_queue=max(64, args.requests))
    with BackgroundServer(app) as server:
        stream_one(server.host, server.port, 10_000, args.max_tokens, args.timeout)  # warm-up
        alone = stream_one(server.host, server.port, 10_001, args.max_tokens, args.timeout)
        if not alone['ok']:
            print(f"error: a single request failed: {alone['error']}", file=sys.stderr)
            return 1
        start, results = threading.Event(), [None] * args.requests

        def client(i):
            results[i] = stream_one(server.host, server.port, i, args.max_tokens, args.timeout, start)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.requests)]
        for t in threads:
            t.start()
        t0 = time.perf_counter()
        start.set()
        for t in threads:
            t.join(args.timeout + 30)
        wall = time.perf_counter() - t0
    ok = [r for r in results if r and r['ok']]
    failed = [r for r in results if not r or not r['ok']]
    first = 'no text, ' if alone['first'] is None else f"first text after {alone['first'] * 1000:.1f} ms, "
    print(
        f"one stream alone: {first}{alone['tokens']} tokens in {alone['end'] * 1000:.1f} ms "
        f"({alone['tokens'] / alone['end']:.0f} tokens/s)"
    )
    print(
        f'{args.requests} concurrent streams, max_tokens {args.max_tokens}: {len(ok)} completed, '
        f'{len(failed)} failed, {wall:.2f} s in all'
    )
    if ok:
        firsts = [r['first'] for r in ok if r['first'] is not None]
        ends = [r['end'] for r in ok]
        tokens = sum(r['tokens'] for r in ok)
        if firsts:
            print(
                f'time to first text: p50 {pct(firsts, 50) * 1000:.0f} ms, '
                f'p95 {pct(firsts, 95) * 1000:.0f} ms, '
                f'max {max(firsts) * 1000:.0f} ms ({len(firsts)} streams with text)'
            )
        print(
            f'time to the end:    p50 {pct(ends, 50) * 1000:.0f} ms, p95 {pct(ends, 95) * 1000:.0f} ms, '
            f'max {max(ends) * 1000:.0f} ms'
        )
        print(
            f'throughput: {tokens} tokens in {wall:.2f} s = {tokens / wall:.0f} tokens/s overall '
            f'({statistics.mean(r["tokens"] for r in ok):.1f} tokens per reply)'
        )
    for r in failed[:5]:
        print('failed:', r['error'] if r else 'no result (timed out)')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
