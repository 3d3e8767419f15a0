#!/usr/bin/env python
"""Prove the GPU paths on a CUDA machine in a few minutes; exit 1 when one is broken.

    python benchmarks/gpu_check.py             # on a CUDA GPU: the `colab` preset, 300 steps per precision
    python benchmarks/gpu_check.py --dry-run   # on the CPU (automatic without CUDA): micro models

Checks, each printed as PASS / FAIL / SKIP with its figures:
1. What each GPU gets: `training.mixed_precision=auto` and Muon's Newton-Schulz dtype on a T4 (7.5), an
   A100 (8.0) and an H100 (9.0), from their compute capabilities; on a GPU also its own answers.
2. fp32, bf16 and fp16 (with GradScaler) training of the `colab` model on offline synthetic sequences (each
   token follows from the previous one, 10% noise); bf16 and fp16 must end within LOSS_TOL nats of fp32
   (mean loss over the last 10% of steps).
3. AdamW (fused, as `build_optimizer` makes it) and Muon + AdamW both train (loss falls, stays finite).
4. eager vs `torch.compile`d tokens/s and MFU (the model chapter's `mfu`), after warm-up; the compiled
   step must not recompile after warm-up.
5. a 1-GPU `torchrun` run of `python -m minigpt.train` (synthetic data, a few steps).
6. peak GPU memory, and the time per optimizer step that the `colab` and `small` presets imply on a T4, an
   A100 and an H100: measured on the GPU at hand, the others extrapolated by the ratio of peak FLOP/s.
7. CPU -> GPU -> CPU resume of a micro run of the real trainer (`minigpt.train.train`): steps 1-4 on the
   CPU, 5-8 on the GPU, 9-12 on the CPU, twice: with the GPU's own choices and with a T4's (fp16 with a
   GradScaler, fp32 Newton-Schulz). Each resume must load and step the optimizer state, continue the step
   counter and the schedule, and follow a straight 12-step CPU run within LOSS_TOL. In a dry run the
   middle leg stays on the CPU with a GPU's choices forced (bf16 autocast and bf16 Newton-Schulz; fp16).
8. on the GPU, the micro run's checkpoint: greedy decoding with the KV cache equals the uncached loop,
   `generate_with_tools` runs a scripted calculator call, and a short `evaluate(..., device='cuda')`
   matches the CPU's held-out loss.

The dry run (under a minute on a 2-core CPU; what CI runs) takes every path it can on the CPU: the choices
of each GPU from its capability, fp32/bf16/fp16 (CPU autocast, GradScaler), both optimizers, compile, both
resume chains with the GPU's choices forced, generation and evaluation. It skips the GPU's own choices,
torchrun, memory and time per step, and the CUDA-only parts of a resume (pinned-memory batches, TF32).
"""

import argparse, math, os, subprocess, sys, tempfile, time, traceback
from contextlib import contextmanager
from pathlib import Path

import torch
from torch._dynamo.utils import counters

import minigpt
from minigpt import data as mdata
from minigpt.checkpoint import load_checkpoint, load_trained
from minigpt.config import Config, ConfigError, has_native_bf16, resolve_precision
from minigpt.evaluate import evaluate
from minigpt.model import GPT, PEAK_FLOPS, mfu, peak_flops
from minigpt.sample import generate_tokens, generate_with_tools
from minigpt.tokenizer import Tokenizer
from minigpt.train import Trainer, build_optimizer, muon_ns_dtype, read_metrics, train

LOSS_TOL = 0.05  # nats: bf16/fp16 vs fp32 (mean of the last 10% of steps); a resumed run vs a straight one
GPUS = {'T4': (7, 5), 'A100': (8, 0), 'H100': (9, 0)}  # compute capabilities
LEGS = (4, 8, 12)  # the resume check's legs end at these steps: CPU, GPU, CPU
EVAL_TASKS = ('prompts', 'loss', 'arithmetic', 'word_problems')  # the ones that run the model
RESULTS: list[tuple[str, str, str]] = []


def report(name: str, status: str, detail: str = ''):
    RESULTS.append((name, status, detail))
    print(f'[{status}] {name}' + (f': {detail}' if detail else ''), flush=True)


def check(name: str):
    "Run the decorated check now; an exception is a FAIL with its message (the traceback goes to stderr)."

    def run(fn):
        try:
            fn()
        except Exception as e:
            traceback.print_exc()
            report(name, 'FAIL', f'{type(e).__name__}: {str(e).strip()[:300]}')
        return fn

    return run


def expect(ok: bool, msg: str):
    if not ok:
        raise AssertionError(msg)


def batches(vocab: int, batch: int, seq: int, device, seed: int = 0):
    "Offline sequences: x[t] = (5 x[t-1] + 3) mod V, a random token 10% of the time; learnable, with a floor."
    g = torch.Generator().manual_seed(seed)
    while True:
        cols = [torch.randint(0, vocab, (batch,), generator=g)]
        noise = torch.rand(batch, seq, generator=g) < 0.1
        rand = torch.randint(0, vocab, (batch, seq), generator=g)
        for i in range(seq):
            cols.append(torch.where(noise[:, i], rand[:, i], (cols[-1] * 5 + 3) % vocab))
        x = torch.stack(cols, 1)
        yield x[:, :-1].to(device), x[:, 1:].to(device)


def sync(device):
    if device.type == 'cuda':
        torch.cuda.synchronize()


def train_run(cfg: Config, device, precision: str, steps: int, compile=False, optimizer=None):
    "Train a fresh model for `steps` steps: losses, tokens/s after warm-up, model, optimizer, recompiles."
    torch.manual_seed(0)
    t = cfg.training if optimizer is None else cfg.override({'training.optimizer': optimizer}).training
    model = GPT(cfg.model).to(device)
    opt = build_optimizer(model, t, device)
    prec = resolve_precision(precision, device)
    scaler = torch.amp.GradScaler(device.type, enabled=prec.use_scaler)
    fwd = torch.compile(model) if compile else model
    bs = t.batch_size
    data = batches(cfg.model.vocab_size, bs, cfg.model.seq_len, device)
    losses, warm, t0, graphs = [], min(5, steps // 2), None, None
    for i in range(steps):
        if i == warm:
            sync(device)
            t0 = time.perf_counter()
            graphs = counters['stats']['unique_graphs']
        x, y = next(data)
        with prec.autocast(device):
            _, loss = fwd(x, y)
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        torch.nn.utils.clip_grad_norm_(model.parameters(), t.grad_clip)
        scaler.step(opt)
        scaler.update()
        opt.zero_grad(set_to_none=True)
        for g in opt.param_groups:
            g['lr'] = t.lr * min(1.0, (i + 1) / max(1, steps // 10))
        losses.append(loss.item())
    sync(device)
    tps = (steps - warm) * bs * cfg.model.seq_len / (time.perf_counter() - t0)
    recompiles = counters['stats']['unique_graphs'] - graphs
    return dict(losses=losses, tps=tps, model=model, opt=opt, recompiles=recompiles)


def tail_mean(xs):
    k = max(1, len(xs) // 10)
    return sum(xs[-k:]) / k


def dtype_name(dtype: torch.dtype) -> str:
    return {torch.float32: 'fp32', torch.bfloat16: 'bf16', torch.float16: 'fp16'}[dtype]


# ---- the micro run of the real trainer: CPU -> GPU -> CPU


def micro_config(d: Path) -> Config:
    "A run of the real trainer that takes about a second on a CPU: 1 layer, d_model 32, 12 steps."
    texts = mdata.iter_source_texts(['synthetic'], limit=400)
    tok = Tokenizer.train(texts, vocab_size=320, show_progress=False)
    tok.save(d / 'tok.json')
    return Config().override(
        {
            'model.vocab_size': 320,
            'model.n_layers': 1,
            'model.d_model': 32,
            'model.n_heads': 2,
            'model.seq_len': 64,
            'training.total_steps': LEGS[-1],
            'training.batch_size': 4,
            'training.warmup_steps': 2,
            'training.log_interval': 1,
            'training.eval_interval': 4,
            'training.eval_batches': 2,
            'training.checkpoint_interval': 4,
            'training.sample_interval': 0,
            'data.sources': ['synthetic'],
            'data.synthetic_samples': 400,
            'data.tokenizer_path': str(d / 'tok.json'),
            'runtime.device': 'cpu',
        }
    )


def gpu_choices(native_bf16: bool) -> type[Trainer]:
    "The trainer with the optimizer a CUDA GPU builds, `native_bf16` standing in for its bf16 tensor cores."

    class GpuChoices(Trainer):
        def _new_optimizer(self):
            return build_optimizer(self.model, self.cfg.training, 'cuda', native_bf16=native_bf16)

    return GpuChoices


def leg_trainer(cfg: Config, device: torch.device, native_bf16: bool | None) -> Trainer:
    "A trainer resumed on `device`; `native_bf16` (not None) forces a GPU's choices, on the CPU too."
    if native_bf16 is None:
        return Trainer(cfg.override({'runtime.device': device.type}), resume='auto', verbose=False)
    mode = resolve_precision('auto', torch.device('cuda'), native_bf16=native_bf16).name
    over = {'runtime.device': device.type, 'training.mixed_precision': mode}
    return gpu_choices(native_bf16)(cfg.override(over), resume='auto', verbose=False)


def muon_buffers(state: dict) -> list[torch.Tensor]:
    return [s['momentum_buffer'] for _, s in sorted(state['muon']['state'].items())]


def check_resumed(tr: Trainer, step: int, device: torch.device, ns: torch.dtype, mode: str):
    "What a trainer resumed at `step` must hold: the checkpoint's optimizer state, its step, its schedule."
    saved = load_checkpoint(tr.run_dir).state
    expect(tr.step == step, f'resumed at step {tr.step}, not {step}')
    expect(tr.sched.last_epoch == step, f'the schedule resumed at {tr.sched.last_epoch}, not {step}')
    expect(tr.device.type == device.type, f'the trainer is on {tr.device}, not {device}')
    expect(tr.precision.name == mode, f'precision {tr.precision.name}, not {mode}')
    expect(tr.opt.muon.ns_dtype == ns, f'Newton-Schulz in {tr.opt.muon.ns_dtype}, not {ns}')
    state = tr.opt.state_dict()
    adamw_steps = {float(s['step']) for s in state['adamw']['state'].values()}
    expect(adamw_steps == {float(step)}, f'AdamW state at step(s) {sorted(adamw_steps)}, not {step}')
    mine, theirs = muon_buffers(state), muon_buffers(saved['optimizer'])
    n = sum(len(g['params']) for g in tr.opt.muon.param_groups)
    expect(len(mine) == n, f'{len(mine)} Muon momentum buffers after the resume, not {n}')
    expect(all(b.device.type == device.type for b in mine), f'Muon momentum not on {device}')
    same = all(torch.equal(a.cpu(), b.cpu()) for a, b in zip(mine, theirs))
    expect(same, 'the Muon momentum differs from the checkpoint\'s')
    if device.type == 'cuda':
        expect(tr.batches.ahead and tr.batches.cuda, 'batches are not copied ahead from pinned memory')
        expect(torch.backends.cuda.matmul.allow_tf32, 'TF32 is off on CUDA')
    return [b.clone() for b in mine]  # the optimizer updates its buffers in place


def check_stepped(tr: Trainer, step: int, before: list[torch.Tensor]):
    state = tr.opt.state_dict()
    expect(tr.step == step, f'stopped at step {tr.step}, not {step}')
    adamw_steps = {float(s['step']) for s in state['adamw']['state'].values()}
    expect(adamw_steps == {float(step)}, f'AdamW state at step(s) {sorted(adamw_steps)} after training')
    after = muon_buffers(state)
    moved = not any(torch.equal(a.cpu(), b.cpu()) for a, b in zip(after, before))
    expect(moved, 'the Muon momentum did not move')


def resume_chain(cfg: Config, run: Path, device: torch.device, native_bf16, straight: list[dict]) -> str:
    "Steps 1-4 on the CPU, 5-8 on `device` (with a GPU's choices), 9-12 on the CPU; returns the figures."
    cfg = cfg.override({'runtime.output_dir': str(run)})
    train(cfg, max_steps=LEGS[0], verbose=False)
    cuda = torch.device('cuda')
    native = has_native_bf16(device) if native_bf16 is None else native_bf16
    mode = resolve_precision('auto', cuda, native_bf16=native).name
    tr = leg_trainer(cfg, device, native_bf16)
    before = check_resumed(tr, LEGS[0], device, muon_ns_dtype(cuda, native), mode)
    tr.fit(LEGS[1])
    check_stepped(tr, LEGS[1], before)
    scaler = load_checkpoint(run).state['scaler']
    expect(bool(scaler) == (mode == 'fp16'), f'GradScaler state {scaler} after an {mode} leg')
    cpu = torch.device('cpu')
    tr = Trainer(cfg, resume='auto', verbose=False)
    before = check_resumed(tr, LEGS[1], cpu, torch.float32, 'fp32')
    tr.fit()
    check_stepped(tr, LEGS[2], before)
    rows = [r for r in read_metrics(run) if 'loss' in r]
    expect([r['step'] for r in rows] == [r['step'] for r in straight], f'steps {[r["step"] for r in rows]}')
    for r, s in zip(rows, straight):
        ok = math.isclose(r['lr'], s['lr'], rel_tol=1e-9)
        expect(ok, f"lr {r['lr']} at step {r['step']}, not the straight run's {s['lr']}")
    gaps = [abs(r['loss'] - s['loss']) for r, s in zip(rows, straight)]
    expect(max(gaps[: LEGS[0]]) == 0, 'the first leg differs from the straight run on the same CPU')
    on_gpu, back = max(gaps[LEGS[0] : LEGS[1]]), max(gaps[LEGS[1] :])
    expect(max(on_gpu, back) <= LOSS_TOL, f'losses {on_gpu:.4f} / {back:.4f} from the straight run')
    ns = dtype_name(muon_ns_dtype(cuda, native))
    scaled = f', GradScaler scale {scaler["scale"]:g} saved' if scaler else ''
    return (
        f'{mode} autocast + {ns} Newton-Schulz{scaled}; resumed at steps {LEGS[0]} and {LEGS[1]} '
        f'(optimizer state, step counter, lr schedule); max loss gap to the straight run '
        f'{on_gpu:.1e} on the middle leg, {back:.1e} back on the CPU'
    )


@contextmanager
def no_tf32():
    "fp32 matrix products in full fp32 (as `minigpt_sample` runs them): the trainer turns TF32 on."
    old = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32 = old


def scripted(model, script):
    "A forward hook that makes `model` write `script`, one token per forward pass (chapter 05)."
    todo = list(script)

    def force(module, inputs, out):
        if todo:
            out[..., todo.pop(0)] = 1e4
        return out

    return model.lm_head.register_forward_hook(force)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dry-run', action='store_true', help='CPU, micro models (automatic without CUDA)')
    p.add_argument('--steps', type=int, help='steps per precision (default 300; 60 in a dry run)')
    args = p.parse_args(argv)
    dry = args.dry_run or not torch.cuda.is_available()
    if dry and not args.dry_run:
        print('no CUDA device here: dry run on the CPU')
    device = torch.device('cpu' if dry else 'cuda')
    cfg = Config.from_preset('colab')
    if dry:
        micro = {
            'model.vocab_size': 320,
            'model.n_layers': 1,
            'model.d_model': 32,
            'model.n_heads': 2,
            'model.seq_len': 32,
            'training.batch_size': 4,
            'training.lr': 3e-3,
        }
        cfg = cfg.override(micro)
        torch.set_num_threads(min(2, torch.get_num_threads()))
    steps = args.steps or (60 if dry else 300)
    name = 'CPU' if dry else torch.cuda.get_device_name()
    if not dry:
        name += ' (compute capability {}.{})'.format(*torch.cuda.get_device_capability())
    m = cfg.model
    print(
        f'torch {torch.__version__} | device {name} | model {m.n_layers}x{m.d_model}, seq {m.seq_len}, '
        f'vocab {m.vocab_size} | {steps} steps of batch {cfg.training.batch_size} per run | '
        f'tolerance {LOSS_TOL} nats',
        flush=True,
    )
    start = time.time()
    cuda = torch.device('cuda')

    @check('precision choices per GPU')
    def _():
        for gpu, cap in GPUS.items():
            native = has_native_bf16(cuda, cuda_capability=cap)
            prec = resolve_precision('auto', cuda, native_bf16=native)
            ns = muon_ns_dtype(cuda, native)
            want = ('bf16', False, torch.bfloat16) if cap >= (8, 0) else ('fp16', True, torch.float32)
            got = (prec.name, prec.use_scaler, ns)
            scaler = ' + GradScaler' if prec.use_scaler else ''
            line = f'auto -> {prec.name}{scaler}, Newton-Schulz in {dtype_name(ns)}'
            report(f'choices for the {gpu} ({cap[0]}.{cap[1]})', 'PASS' if got == want else 'FAIL', line)
        try:
            resolve_precision('bf16', cuda, native_bf16=False)
            report('bf16 asked of a T4', 'FAIL', 'accepted, but a T4 only emulates bf16')
        except ConfigError as e:
            report('bf16 asked of a T4', 'PASS', f'refused: {str(e)[:90]}...')
        cpu = torch.device('cpu')
        for native in (False, True):
            prec, ns = resolve_precision('auto', cpu, native_bf16=native), muon_ns_dtype(cpu, native)
            ok = (prec.name, ns) == ('fp32', torch.float32)
            line = f'auto -> {prec.name}, Newton-Schulz in {dtype_name(ns)}'
            units = 'with' if native else 'without'
            report(f'choices on a CPU {units} bf16 units', 'PASS' if ok else 'FAIL', line)
        if dry:
            report('choices on this GPU', 'SKIP', 'CUDA only')
            return
        cap = torch.cuda.get_device_capability()
        prec, ns = resolve_precision('auto', device), muon_ns_dtype(device)
        model = GPT(cfg.model).to(device)
        muon = cfg.override({'training.optimizer': 'muon'}).training
        built = build_optimizer(model, muon, device).muon.ns_dtype
        want = ('bf16', torch.bfloat16) if cap >= (8, 0) else ('fp16', torch.float32)
        ok = (prec.name, ns) == want and built == ns and has_native_bf16(device) == (cap >= (8, 0))
        line = f'{name}: auto -> {prec.name}, Newton-Schulz in {dtype_name(ns)} (build_optimizer: {built})'
        report('choices on this GPU', 'PASS' if ok else 'FAIL', line)

    curves = {}

    @check('precision: fp32, bf16, fp16 agree')
    def _():
        for mp in ('fp32', 'bf16', 'fp16'):
            if mp == 'bf16' and device.type == 'cuda' and not has_native_bf16(device):
                report(f'precision {mp}', 'SKIP', f'{name} has no bf16 tensor cores')
                continue
            r = train_run(cfg, device, mp, steps, optimizer='adamw')
            losses = curves[mp] = r['losses']
            if not all(math.isfinite(v) for v in losses):
                raise RuntimeError(f'{mp}: a loss was not finite')
            gap = abs(tail_mean(losses) - tail_mean(curves['fp32']))
            line = f'loss {losses[0]:.3f} -> {tail_mean(losses):.3f}, gap to fp32 {gap:.4f}, '
            line += f"{r['tps']:,.0f} tok/s"
            if gap > LOSS_TOL:
                report(f'precision {mp}', 'FAIL', line + f' > {LOSS_TOL}')
            else:
                report(f'precision {mp}', 'PASS', line)
        first, last = curves['fp32'][0], tail_mean(curves['fp32'])
        learnt = last < first - (0.0 if dry else 0.5)
        report('precision: fp32 learns', 'PASS' if learnt else 'FAIL', f'loss {first:.3f} -> {last:.3f}')

    amp = 'fp32' if dry else resolve_precision('auto', device).name

    @check('optimizers')
    def _():
        for opt in ('adamw', 'muon'):
            r = train_run(cfg, device, amp, max(10, steps // 3), optimizer=opt)
            losses = r['losses']
            adamw = r['opt'] if opt == 'adamw' else r['opt'].adamw
            fused = bool(adamw.defaults.get('fused'))  # build_optimizer fuses AdamW on CUDA and CPUs
            ok = fused and all(math.isfinite(v) for v in losses) and tail_mean(losses) < losses[0]
            line = f"loss {losses[0]:.3f} -> {tail_mean(losses):.3f}, {r['tps']:,.0f} tok/s"
            line += ', AdamW fused' if fused else ', AdamW NOT fused'
            report(f'optimizer {opt}', 'PASS' if ok else 'FAIL', line)

    @check('torch.compile')
    def _():
        n = max(10, steps // 5)
        eager = train_run(cfg, device, amp, n)
        comp = train_run(cfg, device, amp, n, compile=True)
        util = mfu(eager['tps'], eager['model'], device)
        if util is None:
            mfus = ', MFU: peak unknown for this device'
        else:
            mfus = f", MFU eager {util:.1%} / compiled {mfu(comp['tps'], eager['model'], device):.1%}"
        recompiles = comp['recompiles']
        speed = f"{eager['tps']:,.0f} vs {comp['tps']:,.0f} tok/s ({comp['tps'] / eager['tps']:.2f}x)"
        line = f'{speed}{mfus}, {recompiles} recompile(s) after warm-up'
        report('compile vs eager', 'PASS' if recompiles == 0 else 'FAIL', line)

    @check('torchrun, 1 GPU')
    def _():
        if dry:
            report('torchrun, 1 GPU', 'SKIP', 'CUDA only (chapter 04 tests the CPU torchrun path, with gloo)')
            return
        with tempfile.TemporaryDirectory() as d:
            sets = [
                'model.n_layers=2',
                'model.d_model=128',
                'model.n_heads=4',
                'model.seq_len=128',
                'model.vocab_size=512',
                'training.total_steps=20',
                'training.warmup_steps=2',
                'training.eval_interval=10',
                'training.checkpoint_interval=20',
                'training.sample_interval=0',
                'training.log_interval=5',
                'data.sources=["synthetic"]',
                'data.synthetic_samples=2000',
                f'runtime.output_dir={d}/run',
            ]
            cmd = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=1']
            cmd += ['-m', 'minigpt.train', '--output-dir', f'{d}/run']
            for s in sets:
                cmd += ['--set', s]
            root = str(Path(minigpt.__file__).resolve().parent.parent)  # the same minigpt as this process
            env = {**os.environ, 'PYTHONPATH': root + os.pathsep + os.environ.get('PYTHONPATH', '')}
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
            ok = r.returncode == 0 and (Path(d) / 'run/checkpoints/step_000020').is_dir()
            line = f'exit {r.returncode}' + ('' if ok else ': ' + (r.stderr or r.stdout)[-600:])
            report('torchrun, 1 GPU', 'PASS' if ok else 'FAIL', line)

    @check('memory and time per step')
    def _():
        if dry:
            report('peak memory', 'SKIP', 'CUDA only')
            report('time per step (colab, small on T4/A100/H100)', 'SKIP', 'CUDA only')
            return
        here = peak_flops(device)
        for preset in ('colab', 'small'):
            c = Config.from_preset(preset)
            torch.cuda.reset_peak_memory_stats()
            r = train_run(c, device, amp, 15, compile=c.runtime.use_compile)
            mem = torch.cuda.max_memory_allocated() / 2**30
            tokens = c.training.batch_size * c.training.grad_accum_steps * c.model.seq_len
            step = tokens / r['tps']
            rows = [f'{name}: {step:.3f} s (measured)']
            for gpu in GPUS:
                if here and gpu.lower() not in name.lower():
                    rows.append(f'{gpu}: {step * here / PEAK_FLOPS[gpu]:.3f} s (extrapolated by peak FLOP/s)')
            total_h = step * c.training.total_steps / 3600
            line = f"{'; '.join(rows)}; peak memory {mem:.1f} GiB; "
            line += f'{c.training.total_steps} steps = {total_h:.2f} h here'
            report(f'{preset}: time per optimizer step', 'PASS', line)

    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        micro_run = {}

        @check('the micro run, straight on the CPU')
        def _():
            mcfg = micro_config(d)
            train(mcfg.override({'runtime.output_dir': str(d / 'straight')}), verbose=False)
            rows = [r for r in read_metrics(d / 'straight') if 'loss' in r]
            expect(len(rows) == LEGS[-1], f'{len(rows)} logged steps, not {LEGS[-1]}')
            micro_run.update(cfg=mcfg, rows=rows)
            line = f"{LEGS[-1]} steps of the trainer, loss {rows[0]['loss']:.3f} -> {rows[-1]['loss']:.3f}"
            report('micro run, straight on the CPU', 'PASS', line)

        gpu_leg = 'CPU with a GPU' if dry else 'GPU'
        chains = {'its own choices': None, "a T4's choices": False}
        if dry:  # the CPU forces each GPU's choices: an A100/H100's, a T4's
            chains = {"an A100's choices": True, "a T4's choices": False}
        for what, native in chains.items():
            title = f'resume CPU -> {gpu_leg} ({what}) -> CPU'

            @check(title)
            def _():
                expect(micro_run, 'no straight micro run to compare with')
                run = d / f'chain-{len(RESULTS)}'
                line = resume_chain(micro_run['cfg'], run, device, native, micro_run['rows'])
                report(title, 'PASS', line)

        @check(f'generation on {device.type}')
        def _():
            expect(micro_run, 'no micro checkpoint')
            model, tok, _ = load_trained(d / 'straight', device)
            user = [{'role': 'user', 'content': 'What is 12 + 35?'}]
            prompt = tok.render_chat(user, add_generation_prompt=True)[0]
            x = torch.tensor([prompt], device=device)
            n = model.config.seq_len - len(prompt)
            with no_tf32():
                cached = model.generate(x, n, temperature=0)[0, len(prompt) :].tolist()
                plain = model.generate(x, n, temperature=0, use_cache=False)[0, len(prompt) :].tolist()
                streamed = list(generate_tokens(model, prompt, n, temperature=0))
                seeded = [list(generate_tokens(model, prompt, n, generator=7)) for _ in range(2)]
            same = cached == plain == streamed
            line = f'{n} greedy tokens: KV cache {"equals" if same else "differs from"} the uncached loop'
            line += f'; seeded sampling {"repeats" if seeded[0] == seeded[1] else "does not repeat"}'
            report(f'greedy decoding with the KV cache on {device.type}', 'PASS' if same else 'FAIL', line)
            script = [tok.call_id, *tok.encode('12 + 35'), tok.call_end_id]
            script += [*tok.encode('The answer is 47.'), tok.eot_id]
            hook = scripted(model, script)
            try:
                stream = generate_with_tools(model, tok, prompt, 40, temperature=0, stop_ids=[tok.eot_id])
                reply = list(stream)
            finally:
                hook.remove()
            want = '<|call|>12 + 35<|/call|><|result|>47<|/result|>The answer is 47.<|eot|>'
            got = tok.decode(reply)
            status = 'PASS' if got == want else 'FAIL'
            report(f'generate_with_tools on {device.type}', status, f'scripted call: {got!r}')

        @check(f'evaluate on {device.type}')
        def _():
            expect(micro_run, 'no micro checkpoint')
            kw = dict(tasks=EVAL_TASKS, limit=4, max_batches=2, verbose=False)
            res = evaluate(d / 'straight', device=device.type, out_dir=d / 'eval', **kw)
            loss = res['tasks']['loss']['overall']['loss']
            arith = res['tasks']['arithmetic']
            arith = arith['tools']['on'] if 'tools' in arith else arith  # with the calculator, if any
            ok = res['device'].startswith(device.type) and math.isfinite(loss) and arith['n'] == 4
            line = f"{', '.join(EVAL_TASKS)} on {res['device']}: held-out loss {loss:.4f}, "
            line += f"arithmetic {arith['exact_match']:.0%} of {arith['n']}"
            if device.type == 'cuda':
                on_cpu = evaluate(d / 'straight', device='cpu', out_dir=d / 'eval', **kw)
                gap = abs(on_cpu['tasks']['loss']['overall']['loss'] - loss)
                ok = ok and gap <= LOSS_TOL
                line += f', {gap:.4f} from the CPU\'s loss'
            report(f'evaluate on {device.type}', 'PASS' if ok else 'FAIL', line)

    fails = [r for r in RESULTS if r[1] == 'FAIL']
    passed = sum(r[1] == 'PASS' for r in RESULTS)
    skipped = sum(r[1] == 'SKIP' for r in RESULTS)
    print(
        f'\n{len(RESULTS)} checks: {passed} passed, {len(fails)} failed, {skipped} skipped, '
        f'{time.time() - start:.0f} s'
    )
    for what, _, detail in fails:
        print(f'FAILED: {what}: {detail}', file=sys.stderr)
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
