#!/usr/bin/env python
"""The data pipeline on the real sample files: load (local-file mode), tokenize + pack, read batches.

    python benchmarks/bench_data.py [--data-dir ../shared/data] [--vocab-size 4096] [--tokenizer tok.json]

For each source it prints the records loaded, the train/val split, the tokens written, the time to load
and to tokenize + pack, and tokens per second; then the speed of reading training batches from the
memory-mapped shards, and the peak resident memory of the whole process (resource.getrusage).
"""

import argparse, resource, sys, tempfile, time
from pathlib import Path

from minigpt.config import DataConfig
from minigpt.data import Batches, iter_source_texts, prepare_data
from minigpt.tokenizer import Tokenizer

ROOT = Path(__file__).resolve().parents[1]

FILES = {  # source -> file under --data-dir (the real datasets' schemas)
    'gsm8k': 'gsm8k/train.jsonl',
    'oasst1': 'oasst1/en-validation.jsonl',
    'code_alpaca': 'code_alpaca/code_alpaca_2k.json',
    'tinystories': 'tinystories/tinystories_train_prefix_2MiB.txt',
}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # shared/data beside the repository, or beside a folder above it (a git worktree)
    near = [d / 'shared/data' for d in ROOT.parents if (d / 'shared/data').is_dir()]
    default = str(near[0]) if near else '../shared/data'
    p.add_argument('--data-dir', default=default, help='folder of the sample files (default: %(default)s)')
    p.add_argument('--vocab-size', type=int, default=4096, help='vocabulary to train (default %(default)s)')
    p.add_argument('--tokenizer', help='use this tokenizer.json instead of training one')
    p.add_argument('--seq-len', type=int, default=256, help='batch length (default %(default)s)')
    p.add_argument('--batch-size', type=int, default=16, help='batch size (default %(default)s)')
    args = p.parse_args(argv)
    root = Path(args.data_dir)
    files = {n: root / f for n, f in FILES.items() if (root / f).is_file()}
    if not files:
        print(f'no sample files under {root}; expected e.g. {root / FILES["gsm8k"]}', file=sys.stderr)
        return 2
    base = DataConfig(
        sources=list(files),
        local_files={n: str(f) for n, f in files.items()},
        code_languages=['all'],
        max_samples_per_source=10**9,
        offline=True,
    )

    t0 = time.time()
    if args.tokenizer:
        tok = Tokenizer.load(args.tokenizer)
    else:
        texts = iter_source_texts(list(files), 10**9, base)
        tok = Tokenizer.train(texts, args.vocab_size, show_progress=False)
    how = 'loaded' if args.tokenizer else 'trained on the train side of all files'
    print(f'tokenizer: vocab {tok.vocab_size}, {how} in {time.time() - t0:.1f}s')

    work = Path(tempfile.mkdtemp(prefix='bench_data_'))
    head = f"{'source':<12} {'records':>8} {'train':>7} {'val':>5} {'tokens':>10} "
    head += f"{'load s':>7} {'pack s':>7} {'tok/s (pack)':>13} {'tok/s (all)':>12}"
    print(head)
    print('-' * len(head))
    total_tok = total_t = 0.0
    runs = [(n, DataConfig(**{**base.__dict__, 'sources': [n]})) for n in files]
    runs.append(('synthetic', DataConfig(sources=['synthetic'], synthetic_samples=20000, offline=True)))
    for name, cfg in runs:
        meta = prepare_data(cfg, tok, work / name, verbose=False)
        row = meta['sources'][0]
        tokens = row['train_tokens'] + row['val_tokens']
        secs = row['load_seconds'] + row['encode_seconds']
        total_tok += tokens
        total_t += secs
        pack = tokens / max(row['encode_seconds'], 1e-9)
        print(
            f"{name:<12} {row['records']:>8} {row['train_records']:>7} {row['val_records']:>5} {tokens:>10,} "
            f"{row['load_seconds']:>7.2f} {row['encode_seconds']:>7.2f} {pack:>13,.0f} "
            f"{tokens / max(secs, 1e-9):>12,.0f}"
        )
    blank = f"{'':>8} {'':>7} {'':>5}"
    print(f"{'all':<12} {blank} {int(total_tok):>10,} {'':>7} {'':>7} {'':>13} {total_tok / total_t:>12,.0f}")

    b = Batches(
        work / 'gsm8k' if 'gsm8k' in files else work / 'synthetic',
        'train',
        args.seq_len,
        args.batch_size,
        seed=0,
    )
    t0, n = time.time(), 200
    for _ in range(n):
        x, y = next(b)
    dt = time.time() - t0
    print(
        f'batches: {n} x ({args.batch_size}, {args.seq_len}) from the memory-mapped shard in {dt:.2f}s '
        f'= {n * args.batch_size * args.seq_len / dt:,.0f} tokens/s'
    )
    print(f'peak RSS: {peak_rss_mib():.0f} MiB')
    return 0


if __name__ == '__main__':
    sys.exit(main())
