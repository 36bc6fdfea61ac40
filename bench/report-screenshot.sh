#!/usr/bin/env bash
# The report as a user sees it: writes the HTML report of the given run folders and screenshots it in headless
# Chromium (Debian's chromium) at 1400 px wide. Usage: bench/report-screenshot.sh OUT.png RUN...
# Made bench/figures/report.png with: bench/report-screenshot.sh bench/figures/report.png runs/rn18-finetune runs/rn18-evaluate-gc runs/augment-smoke
set -euo pipefail
out="$1"; shift
here="$(cd "$(dirname "$0")/.." && pwd)"
command -v chromium >/dev/null || { echo "error: needs Debian's chromium (apt-get install chromium)" >&2; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$here/experiments/bin/Release/net10.0/kerasnet-experiments" report "$@" --to "$tmp/report.html"
# tall enough for the whole page; the flags keep Chromium off this machine's closed network
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$tmp/profile" --hide-scrollbars \
  --window-size=1400,"${HEIGHT:-3600}" --screenshot="$tmp/shot.png" "file://$tmp/report.html" 2>/dev/null
cp "$tmp/shot.png" "$out"
echo "report screenshot: $out"
