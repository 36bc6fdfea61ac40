"""Python twin of the image-pipeline benchmark: what Keras's ImageDataGenerator does per image, in
plain PIL + NumPy + SciPy (the libraries Keras itself uses), on 2 worker processes.

Per image: PIL open, convert RGB, resize to 150x150 with NEAREST (keras.utils.load_img), float32 array,
a random transform with the cats-vs-dogs augment settings (rotation 50, shifts 0.2, shear 0.2, zoom 0.3,
horizontal flip) applied as one centred affine matrix with scipy.ndimage.affine_transform (order 1,
mode 'nearest'), then rescale 1/255.
    /usr/bin/python3 bench/python/augment_twin.py FOLDER [--limit N] [--workers 2]
Prints one JSON line: {"images": n, "seconds": s, "images_per_second": r}.
"""
import argparse
import glob
import json
import os
import time
from multiprocessing import Pool

import numpy as np
from PIL import Image
from scipy import ndimage


def random_transform(x, rng):
    h, w = x.shape[0], x.shape[1]
    theta = np.deg2rad(rng.uniform(-50, 50))
    tx = rng.uniform(-0.2, 0.2) * h
    ty = rng.uniform(-0.2, 0.2) * w
    shear = np.deg2rad(rng.uniform(-0.2, 0.2))
    zx, zy = rng.uniform(0.7, 1.3, 2)
    m = np.array([[np.cos(theta), -np.sin(theta), 0], [np.sin(theta), np.cos(theta), 0], [0, 0, 1]])
    m = m @ np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
    m = m @ np.array([[1, -np.sin(shear), 0], [0, np.cos(shear), 0], [0, 0, 1]])
    m = m @ np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]])
    ox, oy = h / 2 - 0.5, w / 2 - 0.5
    m = np.array([[1, 0, ox], [0, 1, oy], [0, 0, 1]]) @ m @ np.array([[1, 0, -ox], [0, 1, -oy], [0, 0, 1]])
    channels = [ndimage.affine_transform(x[..., c], m[:2, :2], m[:2, 2], order=1, mode="nearest") for c in range(x.shape[2])]
    x = np.stack(channels, axis=-1)
    if rng.random() < 0.5:
        x = x[:, ::-1, :]
    return x


def work(args):
    paths, seed = args
    rng = np.random.default_rng(seed)
    total = 0.0
    for p in paths:
        img = Image.open(p).convert("RGB").resize((150, 150), Image.NEAREST)
        x = np.asarray(img, dtype=np.float32)
        x = random_transform(x, rng) * (1.0 / 255)
        total += float(x[0, 0, 0])
    return len(paths)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(a.folder, "*.jpg")))
    if a.limit:
        files = files[: a.limit]
    chunks = [(files[i:i + 30], i) for i in range(0, len(files), 30)]
    t0 = time.perf_counter()
    with Pool(a.workers) as pool:
        n = sum(pool.map(work, chunks))
    dt = time.perf_counter() - t0
    print(json.dumps({"images": n, "seconds": dt, "images_per_second": n / dt}))


if __name__ == "__main__":
    main()
