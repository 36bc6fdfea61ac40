"""Independent reference for KerasNet's MobileNet: rebuilds Keras's MobileNet v1 in plain PyTorch
(torch.nn.functional, TensorFlow's 'same' padding computed here), reads the weights straight from the
Keras .h5 with h5py, and decodes the images with PIL exactly as keras.utils.load_img does.

Run through the C# side, which writes its inputs and features first:
    dotnet run -c Release --project bench -- mobilenet-crosscheck --weights ../shared/data/keras/models/mobilenet_2_5_224_tf_no_top.h5
or directly on a folder the C# side wrote:
    /usr/bin/python3 bench/reference/mobilenet_reference.py DIR WEIGHTS.h5
Needs Debian's python3-torch, python3-h5py, python3-pil, python3-numpy.
"""
import json
import math
import sys

import h5py
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1),
          (512, 1), (512, 1), (1024, 2), (1024, 1)]


def tf_same_pad(size, k, s):
    out = math.ceil(size / s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def weights(f, layer, name):
    return torch.from_numpy(np.array(f[layer][f"{layer}/{name}:0"]))


def bn_relu6(f, layer, x):
    g, b = weights(f, layer, "gamma"), weights(f, layer, "beta")
    m, v = weights(f, layer, "moving_mean"), weights(f, layer, "moving_variance")
    x = (x - m[None, :, None, None]) / torch.sqrt(v[None, :, None, None] + 1e-3) * g[None, :, None, None] + b[None, :, None, None]
    return x.clamp(0.0, 6.0)


def mobilenet_features(f, x_nhwc):
    x = x_nhwc.permute(0, 3, 1, 2)
    k = weights(f, "conv1", "kernel").permute(3, 2, 0, 1)  # HWIO -> OIHW
    top, bottom = tf_same_pad(x.shape[2], 3, 2)
    left, right = tf_same_pad(x.shape[3], 3, 2)
    x = F.conv2d(F.pad(x, (left, right, top, bottom)), k, stride=2)
    x = bn_relu6(f, "conv1_bn", x)
    for i, (_, stride) in enumerate(BLOCKS, start=1):
        dk = weights(f, f"conv_dw_{i}", "depthwise_kernel")  # (3, 3, C, 1)
        c = dk.shape[2]
        dk = dk.permute(2, 3, 0, 1).reshape(c, 1, 3, 3)
        if stride == 2:
            x = F.pad(x, (0, 1, 0, 1))  # Keras's ZeroPadding2D(((0, 1), (0, 1))) then 'valid'
        else:
            top, bottom = tf_same_pad(x.shape[2], 3, 1)
            left, right = tf_same_pad(x.shape[3], 3, 1)
            x = F.pad(x, (left, right, top, bottom))
        x = F.conv2d(x, dk, stride=stride, groups=c)
        x = bn_relu6(f, f"conv_dw_{i}_bn", x)
        pk = weights(f, f"conv_pw_{i}", "kernel").permute(3, 2, 0, 1)
        x = F.conv2d(x, pk)
        x = bn_relu6(f, f"conv_pw_{i}_bn", x)
    return x.permute(0, 2, 3, 1)


def mobilenet_features_f64(f, x):
    global weights
    plain = weights
    weights = lambda f_, layer, name: plain(f_, layer, name).double()
    try:
        return mobilenet_features(f, x)
    finally:
        weights = plain


def load_img_like_keras(path, size):
    img = Image.open(path).convert("RGB")
    if img.size != (size, size):
        img = img.resize((size, size), Image.NEAREST)
    return np.asarray(img, dtype=np.float32)


def main():
    folder, weights_path = sys.argv[1], sys.argv[2]
    manifest = json.load(open(f"{folder}/manifest.json"))
    size = manifest["size"]
    n = len(manifest["images"])
    cs_pixels = np.fromfile(f"{folder}/pixels.f32", dtype="<f4").reshape(n, size, size, 3)
    cs_features = np.fromfile(f"{folder}/features.f32", dtype="<f4").reshape([n] + manifest["feature_shape"])
    torch.set_num_threads(2)
    with h5py.File(weights_path, "r") as f, torch.no_grad():
        ours = np.stack([load_img_like_keras(p, size) for p in manifest["images"]])
        pixel_diff = float(np.abs(ours - cs_pixels).max())
        # the network alone: the same pixels through both implementations
        x = torch.from_numpy(cs_pixels.copy()) / 127.5 - 1.0
        ref = mobilenet_features(f, x).numpy()
        # end to end: the reference's own decoding and preprocessing
        ref_own = mobilenet_features(f, torch.from_numpy(ours) / 127.5 - 1.0).numpy()
        # float64, to tell which float32 implementation is nearer the exact value
        torch.set_default_dtype(torch.float64)
        ref64 = mobilenet_features_f64(f, x.double()).numpy()
    result = {
        "images": n,
        "size": size,
        "feature_shape": list(ref.shape[1:]),
        "pixel_max_abs_diff": pixel_diff,
        "feature_max_abs_diff": float(np.abs(ref - cs_features).max()),
        "feature_max_abs_diff_own_decoding": float(np.abs(ref_own - cs_features).max()),
        "feature_max_abs": float(np.abs(ref).max()),
        "csharp_vs_float64": float(np.abs(ref64 - cs_features).max()),
        "reference_vs_float64": float(np.abs(ref64 - ref).max()),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
