"""The Python twin of the C# benchmarks: the same models on PyTorch (Debian's python3-torch),
same init (glorot-uniform kernels, zero biases), batch, threads and NHWC/channels-last layout.

Run by `dotnet run -c Release --project bench -- ...`, which prints both sides; or directly:
    /usr/bin/python3 bench/python/twin.py fashion-step --batch 512 --steps 30 --threads 2
Prints one JSON line: {"images_per_second": ..., "seconds_per_step": ...}.
"""
import argparse
import json
import os
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
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    x = torch.rand(args.batch, 28, 28, 1)
    y = torch.randint(0, 10, (args.batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(args.steps):
        step()
    dt = (time.perf_counter() - t0) / args.steps
    return {"images_per_second": args.batch / dt, "seconds_per_step": dt}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("bench", choices=["fashion-step"])
    p.add_argument("--batch", type=int, default=512)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    args = p.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)  # Debian's torch defaults to 1 thread
    torch.set_flush_denormal(True)        # as the C# engine (and TensorFlow's CPU kernels) do
    result = {"fashion-step": fashion_step}[args.bench](args)
    result.update(threads=torch.get_num_threads(), torch=torch.__version__)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
