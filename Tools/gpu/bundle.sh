#!/usr/bin/env bash
# Builds trigc and trigc-bench for a machine with a GPU and no Swift, and packs them with
# the shared libraries they need that such a machine may lack, the kernels and the check
# script into one file: gpu-bundle.tar.xz (Docs/GPU.md). Usage: Tools/gpu/bundle.sh [OUT]
set -euo pipefail
out=${1:-gpu-bundle.tar.xz}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

echo "gpu-check: building release binaries with the Swift runtime linked in (a few minutes)"
swift build -c release --static-swift-stdlib --product trigc
swift build -c release --static-swift-stdlib --product trigc-bench
bin=$(swift build -c release --show-bin-path)

stage=$(mktemp -d "${TMPDIR:-/tmp}/trigc-gpu-bundle.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/trigc-gpu/bin" "$stage/trigc-gpu/lib"
cp "$bin/trigc" "$bin/trigc-bench" "$stage/trigc-gpu/bin/"
strip "$stage/trigc-gpu/bin/"* 2>/dev/null || true
# Every library ldd finds, but for the C runtime that any Linux has (and must be its own).
for exe in "$stage/trigc-gpu/bin/"*; do
  ldd "$exe" | awk '$3 ~ /^\// {print $3}'
done | sort -u | while read -r lib; do
  case "$(basename "$lib")" in
    libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*|ld-linux*|libresolv.so.*) ;;
    *) cp -L "$lib" "$stage/trigc-gpu/lib/" ;;
  esac
done
cp -r Kernels "$stage/trigc-gpu/"
cp "$here/gpu-check.sh" "$stage/trigc-gpu/"
git rev-parse --short HEAD > "$stage/trigc-gpu/COMMIT" 2>/dev/null || echo unknown > "$stage/trigc-gpu/COMMIT"

tmp="$(dirname "$out")/.$(basename "$out").trigc-$$.tmp"
tar -C "$stage" -cJf "$tmp" trigc-gpu
mv -f "$tmp" "$out"
echo "gpu-check: wrote $out ($(du -h "$out" | cut -f1)); on the GPU machine:"
echo "  tar xJf $(basename "$out") && trigc-gpu/gpu-check.sh RESULTS_DIR"
