"""Independent reference for KerasNet's model loading: rebuilds the forward pass of a Keras model from the
file's own JSON config and HDF5 weights with h5py + PyTorch's functional ops (no Keras), so that KerasNet's
load_model / model_from_json + load_weights can be checked against it.

    /usr/bin/python3 bench/reference/keras_file_reference.py CONFIG WEIGHTS INPUT.f32 N H W C OUTPUT.f32

CONFIG is a full-model .h5 (its model_config attribute) or a JSON file (to_json); WEIGHTS an .h5 with the Keras
weights layout (a full model's model_weights group, or save_weights' root). INPUT.f32 holds N·H·W·C float32
values (NHWC, little-endian); OUTPUT.f32 receives the model's outputs as float32. Prints the output shape and the
parameter count read from the weights file. Needs Debian's python3-torch, python3-h5py, python3-numpy.
"""
import json
import math
import sys

import h5py
import numpy as np
import torch
import torch.nn.functional as F


def tf_same_pad(size, k, s, d=1):
    out = math.ceil(size / s)
    eff = (k - 1) * d + 1
    total = max((out - 1) * s + eff - size, 0)
    return total // 2, total - total // 2


def pad_for(x, kernel, strides, padding, dilation=(1, 1)):
    """x is NCHW; returns x padded as TensorFlow pads it for 'same'."""
    if padding != "same":
        return x
    t, b = tf_same_pad(x.shape[2], kernel[0], strides[0], dilation[0])
    l, r = tf_same_pad(x.shape[3], kernel[1], strides[1], dilation[1])
    return F.pad(x, (l, r, t, b))


def pair(v):
    return tuple(v) if isinstance(v, (list, tuple)) else (v, v)


def activation(name, x):
    if isinstance(name, dict):
        name = name.get("config", {}).get("name", name.get("class_name"))
    if name in (None, "linear"):
        return x
    if name == "relu":
        return F.relu(x)
    if name == "softmax":
        return F.softmax(x, dim=1 if x.dim() == 4 else -1)
    if name == "sigmoid":
        return torch.sigmoid(x)
    if name == "tanh":
        return torch.tanh(x)
    raise NotImplementedError(name)


class Weights:
    def __init__(self, path):
        self.f = h5py.File(path, "r")
        self.root = self.f["model_weights"] if "model_weights" in self.f else self.f

    def names(self, attrs, key):
        if key in attrs:
            return [n.decode() if isinstance(n, bytes) else str(n) for n in attrs[key]]
        out, i = [], 0
        while f"{key}{i}" in attrs:
            out += [n.decode() if isinstance(n, bytes) else str(n) for n in attrs[f"{key}{i}"]]
            i += 1
        return out

    def layer(self, name):
        if name not in self.root:
            return []
        g = self.root[name]
        return [torch.from_numpy(np.array(g[w], dtype=np.float32)) for w in self.names(g.attrs, "weight_names")]

    def count(self):
        total = 0
        for name in self.names(self.root.attrs, "layer_names"):
            g = self.root[name]
            total += sum(int(np.prod(g[w].shape)) for w in self.names(g.attrs, "weight_names"))
        return total


def run_layer(cls, cfg, w, xs):
    """One layer on NCHW (4-D) or (N, F) tensors; w: the layer's weights in weight_names order."""
    x = xs[0]
    if cls == "InputLayer":
        return x
    if cls in ("Conv2D", "Convolution2D"):
        k, s, d = pair(cfg["kernel_size"]), pair(cfg.get("strides", 1)), pair(cfg.get("dilation_rate", 1))
        kernel = w[0].permute(3, 2, 0, 1)  # HWIO -> OIHW
        bias = w[1] if cfg.get("use_bias", True) else None
        y = F.conv2d(pad_for(x, k, s, cfg["padding"], d), kernel, bias, stride=s, dilation=d)
        return activation(cfg.get("activation"), y)
    if cls == "SeparableConv2D":
        k, s, d = pair(cfg["kernel_size"]), pair(cfg.get("strides", 1)), pair(cfg.get("dilation_rate", 1))
        cin, mult = w[0].shape[2], w[0].shape[3]
        dw = w[0].permute(2, 3, 0, 1).reshape(cin * mult, 1, k[0], k[1])
        y = F.conv2d(pad_for(x, k, s, cfg["padding"], d), dw, None, stride=s, dilation=d, groups=cin)
        pw = w[1].permute(3, 2, 0, 1)
        bias = w[2] if cfg.get("use_bias", True) else None
        return activation(cfg.get("activation"), F.conv2d(y, pw, bias))
    if cls == "DepthwiseConv2D":
        k, s, d = pair(cfg["kernel_size"]), pair(cfg.get("strides", 1)), pair(cfg.get("dilation_rate", 1))
        cin, mult = w[0].shape[2], w[0].shape[3]
        dw = w[0].permute(2, 3, 0, 1).reshape(cin * mult, 1, k[0], k[1])
        bias = w[1] if cfg.get("use_bias", True) else None
        y = F.conv2d(pad_for(x, k, s, cfg["padding"], d), dw, bias, stride=s, dilation=d, groups=cin)
        return activation(cfg.get("activation"), y)
    if cls == "BatchNormalization":
        i = 0
        gamma = w[i] if cfg.get("scale", True) else None
        i += 1 if cfg.get("scale", True) else 0
        beta = w[i] if cfg.get("center", True) else None
        i += 1 if cfg.get("center", True) else 0
        mean, var = w[i], w[i + 1]
        shape = (1, -1, 1, 1) if x.dim() == 4 else (1, -1)
        y = (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + cfg.get("epsilon", 1e-3))
        if gamma is not None:
            y = y * gamma.reshape(shape)
        if beta is not None:
            y = y + beta.reshape(shape)
        return y
    if cls == "Activation":
        return activation(cfg["activation"], x)
    if cls == "ReLU":
        y = F.relu(x)
        return y.clamp(max=cfg["max_value"]) if cfg.get("max_value") is not None else y
    if cls in ("MaxPooling2D", "AveragePooling2D"):
        p = pair(cfg.get("pool_size", 2))
        s = pair(cfg.get("strides") or p)
        if cls == "MaxPooling2D":
            xp = pad_for(x, p, s, cfg["padding"]) if cfg["padding"] != "same" else None
            if cfg["padding"] == "same":  # TF pads max pooling with -inf
                t, b = tf_same_pad(x.shape[2], p[0], s[0])
                l, r = tf_same_pad(x.shape[3], p[1], s[1])
                xp = F.pad(x, (l, r, t, b), value=float("-inf"))
            return F.max_pool2d(xp, p, s)
        if cfg["padding"] == "same":
            raise NotImplementedError("same average pooling")
        return F.avg_pool2d(x, p, s)
    if cls == "GlobalAveragePooling2D":
        return x.mean(dim=(2, 3), keepdim=cfg.get("keepdims", False))
    if cls == "GlobalMaxPooling2D":
        return x.amax(dim=(2, 3), keepdim=cfg.get("keepdims", False))
    if cls == "Flatten":
        return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1) if x.dim() == 4 else x.reshape(x.shape[0], -1)
    if cls == "Dense":
        y = x @ w[0]
        if cfg.get("use_bias", True):
            y = y + w[1]
        return activation(cfg.get("activation"), y)
    if cls == "Dropout":
        return x
    if cls == "Add":
        y = xs[0]
        for o in xs[1:]:
            y = y + o
        return y
    raise NotImplementedError(cls)


def forward(model, weights, x):
    cls, cfg = model["class_name"], model["config"]
    if cls == "Sequential":
        layers = cfg["layers"] if isinstance(cfg, dict) else cfg
        for l in layers:
            x = run_layer(l["class_name"], l["config"], weights.layer(l["config"]["name"]), [x])
        return x
    values = {}
    inputs = cfg["input_layers"]
    values[(inputs[0][0], 0, 0)] = x
    pending = [l for l in cfg["layers"] if l["class_name"] != "InputLayer"]
    while pending:
        rest = []
        for l in pending:
            name = l.get("name", l["config"]["name"])
            node = l["inbound_nodes"][0]
            keys = [(e[0], e[1], e[2]) for e in node]
            if all(k in values for k in keys):
                values[(name, 0, 0)] = run_layer(l["class_name"], l["config"], weights.layer(name), [values[k] for k in keys])
            else:
                rest.append(l)
        if len(rest) == len(pending):
            raise RuntimeError("graph cannot be evaluated")
        pending = rest
    out = cfg["output_layers"][0]
    return values[(out[0], out[1], out[2])]


def main():
    config_path, weights_path, input_path = sys.argv[1:4]
    n, h, w, c = map(int, sys.argv[4:8])
    output_path = sys.argv[8]
    if config_path.endswith(".json"):
        model = json.load(open(config_path))
    else:
        raw = h5py.File(config_path, "r").attrs["model_config"]
        model = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
    weights = Weights(weights_path)
    x = torch.from_numpy(np.fromfile(input_path, dtype="<f4").reshape(n, h, w, c)).permute(0, 3, 1, 2).contiguous()
    with torch.no_grad():
        y = forward(model, weights, x)
    if y.dim() == 4:
        y = y.permute(0, 2, 3, 1)
    y.contiguous().numpy().astype("<f4").tofile(output_path)
    print(json.dumps({"shape": list(y.shape), "params": weights.count()}))


if __name__ == "__main__":
    torch.set_num_threads(2)
    main()
