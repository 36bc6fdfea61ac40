#!/usr/bin/env bash
# Configures (once) and builds the native shim; CMake makes it incremental. Called by KerasNet.csproj.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$here/build"
if [ ! -f /usr/lib/x86_64-linux-gnu/cmake/Torch/TorchConfig.cmake ] && [ ! -f /usr/share/cmake/Torch/TorchConfig.cmake ] \
   || ! command -v cmake >/dev/null || ! command -v g++ >/dev/null; then
  echo "error KNT001: libtorch-dev, cmake or g++ is missing. Run: bash src/native/install-deps.sh" >&2
  exit 1
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release >"$here/build.log" 2>&1 \
    || { cat "$here/build.log" >&2; exit 1; }
fi
cmake --build "$build" -j"$(nproc)" >"$here/build.log" 2>&1 || { cat "$here/build.log" >&2; exit 1; }
