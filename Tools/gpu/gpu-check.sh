#!/usr/bin/env bash
# Runs on a machine with a GPU and no Swift, from the unpacked gpu-bundle (Tools/gpu/bundle.sh):
# finds the GPU's OpenCL driver, lists and checks the devices, and measures SGEMM and
# training speed (HLF DNN; inclusive model at 801 steps) on the GPU. Figures go to
# RESULTS_DIR (default ./gpu-results) as log files; Docs/GPU.md says what to record.
# Usage: gpu-check.sh [RESULTS_DIR] [EVENTS]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
results=${1:-gpu-results}
events=${2:-20000}
mkdir -p "$results"
export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
trigc="$here/bin/trigc"
log() { echo "== $*" | tee -a "$results/summary.txt"; }

# The NVIDIA ICD: the driver's library may be present without the file that names it.
if ! grep -qs nvidia /etc/OpenCL/vendors/*.icd "${OCL_ICD_VENDORS:-/nonexistent}"/*.icd; then
  lib=$(ldconfig -p 2>/dev/null | awk '/libnvidia-opencl\.so\.1/ {print $NF; exit}')
  [ -z "$lib" ] && lib=$(ls /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so.1 /usr/lib64/libnvidia-opencl.so.1 2>/dev/null | head -1)
  if [ -n "$lib" ]; then
    mkdir -p "$results/icd" && echo "$lib" > "$results/icd/nvidia.icd"
    export OCL_ICD_VENDORS="$(cd "$results/icd" && pwd)"
    log "ICD file written for $lib"
  else
    log "no libnvidia-opencl.so.1 found: only other OpenCL platforms will be listed"
  fi
fi
log "commit $(cat "$here/COMMIT"); $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || echo 'nvidia-smi not found')"

"$trigc" devices --check 2>&1 | tee "$results/devices.txt"
# The first device whose line says GPU (trigc devices prints "opencl:P:D ..."), unless
# TRIGC_GPU_DEVICE names one (opencl:P:D; used to try this script on PoCL).
device=${TRIGC_GPU_DEVICE:-$(grep -i 'gpu' "$results/devices.txt" | grep -o 'opencl:[0-9]*:[0-9]*' | head -1)}
if [ -z "$device" ]; then
  log "no OpenCL GPU found; see $results/devices.txt"
  exit 1
fi
log "GPU device $device"

"$here/bin/trigc-bench" --only-opencl "--opencl-device=${device#opencl:}" 2>&1 | tee "$results/bench-opencl.txt"

work=$(mktemp -d "${TMPDIR:-/tmp}/trigc-gpu-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$trigc" datagen --events "$events" --max-particles 801 --seed 5 -o "$work/events.h5" > "$results/datagen.txt" 2>&1
for model in hlf inclusive; do
  for batch in 128 1024; do
    log "train $model batch $batch on $device"
    "$trigc" train --model "$model" --data "$work/events.h5" --epochs 2 --batch "$batch" \
      --device "$device" --out "$work/run-$model-$batch" 2>&1 | tr '\r' '\n' | grep -i 'epoch\|samples/s\|error' \
      | tail -4 | tee -a "$results/summary.txt"
  done
done
log "done: figures in $results"
