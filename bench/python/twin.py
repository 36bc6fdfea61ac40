"""The Python twin of the C# benchmarks: the same models on PyTorch (Debian's python3-torch),
same init (glorot-uniform kernels, zero biases), batch, threads and NHWC/channels-last layout.

Run by `dotnet run -c Release --project bench -- ...`, which prints both sides; or directly:
    /usr/bin/python3 bench/python/twin.py fashion-step --batch 512 --steps 30 --threads 2
    /usr/bin/python3 bench/python/twin.py vgg16-features --batch 32 --steps 3 --warmup 1 --bf16
Prints one JSON line: {"images_per_second": ..., "seconds_per_step": ...}. With --serve (the speed suite) it builds the
workload once and times 'run N' requests read from stdin, so the suite can interleave the sides in short slices.
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class FashionCnn(nn.Module):
    """Article 1's CNN, Keras semantics: NHWC input, flatten in HWC order, softmax output (as logits)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.conv3 = nn.Conv2d(64, 64, 3)
        self.fc1 = nn.Linear(576, 64)
        self.fc2 = nn.Linear(64, 10)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_uniform_(m.weight)  # Keras's glorot_uniform (same fans)
                nn.init.zeros_(m.bias)

    def forward(self, x_nhwc):
        x = x_nhwc.permute(0, 3, 1, 2)  # channels-last NCHW view, no copy
        x = F.max_pool2d(F.relu(self.conv1(x)), 2, 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2, 2)
        x = F.relu(self.conv3(x))
        x = x.permute(0, 2, 3, 1).flatten(1)  # Keras flattens NHWC
        x = F.relu(self.fc1(x))
        return self.fc2(x)  # logits; the loss applies log-softmax


def fashion_step(args):
    model = FashionCnn().to(memory_format=torch.channels_last)
    if args.bf16:
        return fashion_step_bf16(args, model)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    x = torch.rand(args.batch, 28, 28, 1)
    y = torch.randint(0, 10, (args.batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return timed(step, args)


def fashion_step_bf16(args, model):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    x = torch.rand(args.batch, 28, 28, 1)
    y = torch.randint(0, 10, (args.batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits = model(x)
        loss = F.cross_entropy(logits.float(), y)
        loss.backward()
        opt.step()
        return loss.item()
    return timed(step, args)


def cats_dogs_baseline():
    return nn.Sequential(
        nn.Conv2d(3, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3), nn.ReLU(), nn.MaxPool2d(2),
        Nhwc(), nn.Flatten(), nn.Linear(17 * 17 * 128, 512), nn.ReLU(), nn.Linear(512, 1))


class Nhwc(nn.Module):
    """Keras flattens NHWC: an NCHW (channels-last) tensor viewed as NHWC before Flatten."""

    def forward(self, x):
        return x.permute(0, 2, 3, 1)


def vgg16_base():
    layers, c = [], 3
    for width, depth in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]:
        for _ in range(depth):
            layers += [nn.Conv2d(c, width, 3, padding=1), nn.ReLU()]
            c = width
        layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers)


class SamePad(nn.Module):
    """TensorFlow 'same' for a stride-2 3x3 convolution on even or odd sizes."""

    def forward(self, x):
        h, w = x.shape[2], x.shape[3]
        ph = max((-(-h // 2) - 1) * 2 + 3 - h, 0)
        pw = max((-(-w // 2) - 1) * 2 + 3 - w, 0)
        return F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2))


def mobilenet_base(alpha=0.25):
    def bn_relu6(c):
        return [nn.BatchNorm2d(c, eps=1e-3), nn.ReLU6()]
    c = int(32 * alpha)
    layers = [SamePad(), nn.Conv2d(3, c, 3, stride=2, bias=False)] + bn_relu6(c)
    for filters, stride in [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1),
                            (512, 1), (512, 1), (1024, 2), (1024, 1)]:
        if stride == 2:
            layers.append(nn.ZeroPad2d((0, 1, 0, 1)))
        layers += [nn.Conv2d(c, c, 3, stride=stride, padding=1 if stride == 1 else 0, groups=c, bias=False)] + bn_relu6(c)
        out = int(filters * alpha)
        layers += [nn.Conv2d(c, out, 1, bias=False)] + bn_relu6(out)
        c = out
    return nn.Sequential(*layers)


def glorot(model):
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return model.to(memory_format=torch.channels_last)


MIN_WARMUP_SECONDS = 5.0  # every side of the suite warms up this long at least (the .NET sides' JIT tiers up meanwhile)
def warm_up(step, warmup):
    t0 = time.perf_counter()
    done = 0
    while done < warmup or time.perf_counter() - t0 < MIN_WARMUP_SECONDS:
        step()
        done += 1


def timed(step, args):
    """One-shot: warm up, time `steps` steps. With --serve: warm up, print {"ready": ...}, then answer each stdin line
    'run N' with {"seconds": time of N steps} until 'quit' or end of input (the suite interleaves the sides this way)."""
    warm_up(step, args.warmup)
    if args.serve:
        print(json.dumps({"ready": True, "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)
        for line in iter(sys.stdin.readline, ""):
            words = line.split()
            if not words or words[0] == "quit":
                break
            n = int(words[1])
            t0 = time.perf_counter()
            for _ in range(n):
                step()
            print(json.dumps({"seconds": time.perf_counter() - t0}), flush=True)
        return None
    t0 = time.perf_counter()
    for _ in range(args.steps):
        step()
    dt = (time.perf_counter() - t0) / args.steps
    return {"images_per_second": args.batch / dt, "seconds_per_step": dt}


def autocast(args):
    return torch.autocast("cpu", dtype=torch.bfloat16) if args.bf16 else torch.autocast("cpu", enabled=False)


def train_step_bench(args, model, params, lr, size, loss_fn, labels):
    opt = torch.optim.RMSprop(params, lr=lr, alpha=0.9, eps=1e-7)
    x = torch.rand(args.batch, 3, size, size).contiguous(memory_format=torch.channels_last)

    def step():
        opt.zero_grad(set_to_none=True)
        with autocast(args):
            out = model(x)
        loss = loss_fn(out.float(), labels)
        loss.backward()
        opt.step()
        return loss.item()
    return timed(step, args)


def forward_bench(args, model, size):
    model.eval()
    x = torch.rand(args.batch, 3, size, size).contiguous(memory_format=torch.channels_last)

    def step():
        with torch.no_grad(), autocast(args):
            return model(x).float().sum().item()
    return timed(step, args)


def catsdogs_step(args):
    model = glorot(cats_dogs_baseline())
    y = torch.randint(0, 2, (args.batch, 1)).float()
    return train_step_bench(args, model, model.parameters(), 1e-3, 150, F.binary_cross_entropy_with_logits, y)


def vgg16_features(args):
    return forward_bench(args, glorot(vgg16_base()), 150)


def vgg16_finetune(args):
    base = vgg16_base()
    head = nn.Sequential(Nhwc(), nn.Flatten(), nn.Linear(4 * 4 * 512, 512), nn.ReLU(), nn.Dropout(0.3), nn.Linear(512, 512),
                         nn.ReLU(), nn.Dropout(0.3), nn.Linear(512, 1))
    model = glorot(nn.Sequential(base, head))
    convs = [m for m in base if isinstance(m, nn.Conv2d)]
    for conv in convs[:7]:  # blocks 1-3 frozen; block4_conv1 on trainable
        for p in conv.parameters():
            p.requires_grad_(False)
    y = torch.randint(0, 2, (args.batch, 1)).float()
    return train_step_bench(args, model, [p for p in model.parameters() if p.requires_grad], 1e-5, 150,
                            F.binary_cross_entropy_with_logits, y)


def mobilenet_features(args):
    return forward_bench(args, glorot(mobilenet_base()), 150)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("bench", choices=["fashion-step", "catsdogs-step", "vgg16-features", "vgg16-finetune", "mobilenet-features"])
    p.add_argument("--bf16", action="store_true", help="torch.autocast to bfloat16 (the mixed_bfloat16 twin)")
    p.add_argument("--batch", type=int, default=512)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--serve", action="store_true", help="build and warm up, then time 'run N' requests from stdin")
    args = p.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)  # Debian's torch defaults to 1 thread
    torch.set_flush_denormal(True)        # as the C# engine (and TensorFlow's CPU kernels) do
    result = {"fashion-step": fashion_step, "catsdogs-step": catsdogs_step, "vgg16-features": vgg16_features,
              "vgg16-finetune": vgg16_finetune, "mobilenet-features": mobilenet_features}[args.bench](args)
    if result is None:  # served
        return
    result.update(threads=torch.get_num_threads(), torch=torch.__version__)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
