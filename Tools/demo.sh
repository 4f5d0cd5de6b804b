#!/usr/bin/env bash
# The end-to-end demo behind `make demo`: every step uses the built trigc binary.
# Usage: Tools/demo.sh BIN_DIR OUT_DIR
set -euo pipefail
BIN="${1:-.build/release}"
OUT="${2:-demo-out}"
T="$BIN/trigc"
mkdir -p "$OUT"
step() { printf '\n== %s\n' "$*"; }

step "1. The HLF DNN of the CERN study (14 -> 50 -> 20 -> 10 -> 3), seeded weights, as graph IR"
"$T" ir example hlf --seed 7 -o "$OUT/hlf.ir" --overwrite
"$T" ir check "$OUT/hlf.ir"

step "2. 100,000 seeded input events"
"$T" inputs "$OUT/hlf.ir" --events 100000 --seed 11 -o "$OUT/hlf-inputs.h5" --overwrite

step "3. Float and bit-exact fixed-point (ap_fixed<16,6>) runs, written to HDF5"
"$T" run "$OUT/hlf.ir" --input "$OUT/hlf-inputs.h5" -o "$OUT/hlf-float.h5" --overwrite
"$T" run "$OUT/hlf.ir" --input "$OUT/hlf-inputs.h5" --fixed 'ap_fixed<16,6>' -o "$OUT/hlf-fixed.h5" --overwrite
"$T" ir quantize "$OUT/hlf.ir" --fixed 'ap_fixed<16,6>' -o "$OUT/hlf-fixed.ir" --overwrite

step "4. Float vs fixed agreement at three widths"
for f in 'ap_fixed<10,4>' 'ap_fixed<16,6>' 'ap_fixed<18,8>'; do
  "$T" compare "$OUT/hlf.ir" --input "$OUT/hlf-inputs.h5" --fixed "$f"
done

step "5. The inclusive classifier shape (GRU over 100 particles + 14 features), masked sequences"
"$T" ir example inclusive --time-steps 100 --seed 7 -o "$OUT/inclusive.ir" --overwrite
"$T" ir check "$OUT/inclusive.ir"
"$T" inputs "$OUT/inclusive.ir" --events 2000 --seed 11 -o "$OUT/inclusive-inputs.h5" --overwrite
"$T" compare "$OUT/inclusive.ir" --input "$OUT/inclusive-inputs.h5" --fixed 'ap_fixed<16,6>'

step "6. The built-in physics-like dataset: 60,000 QCD / ttbar / W+jets events, 20 particles each"
"$T" datagen --events 60000 --seed 5 --max-particles 20 -o "$OUT/events.h5" --overwrite

step "7. Train the HLF DNN (balanced 80/20 split, MinMax scaling, Adam) and export it with its scaler"
"$T" train --model hlf --data "$OUT/events.h5" --epochs 5 --batch 128 --seed 1 --out "$OUT/run-hlf" --overwrite

step "8. Test-split ROC/AUC of the exported model: float, and bit-exact ap_fixed<16,6> through the interpreter"
"$T" evaluate "$OUT/run-hlf" --fixed 'ap_fixed<16,6>' --overwrite | tee "$OUT/run-hlf/evaluate.txt"

step "8b. The same 16 bits with rounding, saturation and integer bits sized from profiled ranges"
"$T" evaluate "$OUT/run-hlf" --fixed 'ap_fixed<16,6,AP_RND,AP_SAT>' --profile events --overwrite --out "$OUT/run-hlf/profiled" \
  | tee "$OUT/run-hlf/evaluate-profiled.txt"

step "9. To hardware: the scaler-free model as fixed-point Verilog, simulated bit for bit against the interpreter"
"$T" evaluate "$OUT/run-hlf" --write-inputs "$OUT/run-hlf/test-inputs-scaled.h5" --overwrite > /dev/null
# A design folder left by a trigc older than design manifests is the demo's own: start it afresh.
if [ -d "$OUT/hlf-verilog" ] && [ ! -e "$OUT/hlf-verilog/trigc-design.json" ]; then rm -rf "$OUT/hlf-verilog"; fi
"$T" compile "$OUT/run-hlf/model-prescaled.ir" --target verilog --fixed 'ap_fixed<16,6,AP_RND,AP_SAT>' \
  --profile "$OUT/run-hlf/test-inputs-scaled.h5" -o "$OUT/hlf-verilog" --overwrite \
  | tee "$OUT/hlf-compile.txt"
"$T" simulate "$OUT/hlf-verilog" --input "$OUT/run-hlf/test-inputs-scaled.h5" | tee "$OUT/hlf-simulate.txt"
echo "(FPGA resources with Yosys take a few minutes: $T report $OUT/hlf-verilog)"

step "10. Formats chosen by calibration (at most 16 bits) on other events, checked on the test split, to hardware"
"$T" datagen --events 20000 --seed 6 --max-particles 20 -o "$OUT/calib-events.h5" --overwrite
"$T" evaluate "$OUT/run-hlf" --data "$OUT/calib-events.h5" --split all --write-inputs "$OUT/run-hlf/calib-inputs-scaled.h5" \
  --out "$OUT/run-hlf/calib" --overwrite > /dev/null
"$T" quantize "$OUT/run-hlf/model-prescaled.ir" --calibrate "$OUT/run-hlf/calib-inputs-scaled.h5" --max-width 16 \
  --check "$OUT/run-hlf/test-inputs-scaled.h5" -o "$OUT/hlf-calibrated.ir" --overwrite | tee "$OUT/hlf-calibrate.txt"
if [ -d "$OUT/hlf-calibrated-verilog" ] && [ ! -e "$OUT/hlf-calibrated-verilog/trigc-design.json" ]; then rm -rf "$OUT/hlf-calibrated-verilog"; fi
"$T" compile "$OUT/hlf-calibrated.ir" -o "$OUT/hlf-calibrated-verilog" --overwrite > /dev/null
"$T" simulate "$OUT/hlf-calibrated-verilog" --input "$OUT/run-hlf/test-inputs-scaled.h5" | tee "$OUT/hlf-calibrated-simulate.txt"

step "Summary of the trained HLF DNN"
grep -E '^(float|fixed|decision)' "$OUT/run-hlf/evaluate.txt"
echo "profiled ap_fixed<16,6,AP_RND,AP_SAT> (the design below):"
grep -E '^(fixed|decision)' "$OUT/run-hlf/evaluate-profiled.txt" | sed 's/^/  /'
grep -E 'mismatching bits|measured latency' "$OUT/hlf-simulate.txt"
echo "calibrated formats (trigc quantize --calibrate, at most 16 bits):"
grep -E '^(calibrated on|held-out|target)' "$OUT/hlf-calibrate.txt" | sed 's/^/  /'
grep -E 'mismatching bits' "$OUT/hlf-calibrated-simulate.txt" | sed 's/^/  /'
awk '/constant products/ {n += $6} END {print "constant-coefficient multipliers in the design: " n}' "$OUT/hlf-compile.txt"
echo "plots:"
for f in "$OUT/run-hlf"/*.svg "$OUT/run-hlf"/*.png "$OUT/run-hlf/profiled"/*.svg; do if [ -e "$f" ]; then echo "  $f"; fi; done
grep -h '"png"' "$OUT/run-hlf"/*.json | sort -u | sed 's/^ */  /'

step "Done. Files are in $OUT/"
ls -1 "$OUT"
