#!/usr/bin/env bash
# Installs the Debian packages KerasNetTransfer needs, only those missing: a machine that has them
# all does no apt work. Run as root (or with sudo available) on Debian bookworm.
set -euo pipefail
packages=(
  libtorch-dev          # the engine: PyTorch 1.13 C++ (oneDNN)
  libopenblas0-openmp   # BLAS for libtorch: Debian's reference BLAS is ~40x slower
  libdnnl-dev           # oneDNN's headers: libtorch's own oneDNN, called directly for Winograd convolutions
  cmake g++             # builds the native shim
  libhdf5-dev           # Keras .h5 weights (runtime: libhdf5_serial.so.103)
  libopencv-dev         # image decoding, resizing, augmentation
  libjpeg-dev           # libjpeg-turbo: JPEG decoding with its own header and truncation checks
  libgloo-dev           # headers of the Gloo collectives libtorch's c10d uses (MultiWorkerMirroredStrategy)
  libonnx-dev           # onnx.proto: the ONNX schema the C# protobuf classes are generated from
  fonts-dejavu-core     # the font Grad-CAM overlay captions are written in (SkiaSharp without fontconfig)
  fonts-liberation2     # Arial-metric font for the report's charts (OxyPlot lays SVG text out with Arial's metrics)
  dataset-fashion-mnist # /usr/share/datasets/fashion-mnist
  python3-torch python3-h5py python3-pil python3-scipy python3-onnx  # the Python twins and reference scripts in bench/
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
