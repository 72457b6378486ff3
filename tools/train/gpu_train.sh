#!/usr/bin/env bash
# The GPU machine's training run for the default model, in one device-tool call
# (about 15 minutes of device time a session, at most 10 a command):
#   - diffusers from the carried wheels in .whl/ when the machine has none
#     (tools/bench/side_by_side.py's import_diffusers; tools/train/README.md
#     says how to fetch them);
#   - goes on from the carried train_state/ (a pack an earlier call brought
#     back), unless the machine's work folder already holds checkpoints (a
#     second call on the same warm machine goes on from those);
#   - with AE_CAPACITY=16x4,16x16 (say) first compares those autoencoder
#     shapes trained to near convergence (ae_capacity.py --device cuda, at
#     most 3 minutes; the table goes to the log);
#   - runs train.py all for at most MINUTES of wall time, then stops it with
#     SIGTERM (it saves its checkpoint at the next step) and packs the
#     checkpoints into $OUT/pack (files under 16 MiB; the device tool brings
#     back at most 8 files), the log beside them.
# Usage (repository root on the device machine; carry .whl and train_state):
#   tools/train/gpu_train.sh MINUTES [train.py arguments: budgets, batch, ...]
# Then here: copy $OUT/pack to train_state/, and
#   python tools/train/train.py export --resume-from train_state --work W --out sets/models/default
set -uo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 1 ] || { echo "usage: $0 MINUTES [train.py arguments]" >&2; exit 2; }
minutes=$1
shift
out=${OUT:-/tmp/gpu_train}
work=/tmp/afterimage_train
mkdir -p "$out" "$work"
exec > >(tee -a "$out/gpu_train.log") 2>&1
echo "=== $(date +%T) gpu_train.sh $minutes $*"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null
site=$(python3 -c 'import os, sys
sys.path.insert(0, "tools/bench")
from side_by_side import import_diffusers
import_diffusers(".whl")
import diffusers
print(os.path.dirname(os.path.dirname(diffusers.__file__)))' | tail -n 1) || exit 1
export PYTHONPATH="$site${PYTHONPATH:+:$PYTHONPATH}"
if [ -n "${AE_CAPACITY:-}" ]; then
  timeout -s INT 180 python3 tools/train/ae_capacity.py --device cuda --shapes "$AE_CAPACITY" --pca 4,16 \
    --steps 1500 --batch 64 --crop 128 --per-style 64 --held-out 8 --threads 8
fi
resume=()
if [ -d train_state ] && [ ! -e "$work/ae.pt" ]; then resume=(--resume-from train_state); fi
# -k: if a step hangs past the SIGTERM, kill it a minute later (the last periodic save stays)
timeout -s TERM -k 60 "$(python3 -c "print(int($minutes * 60))")" \
  python3 tools/train/train.py all --work "$work" --out "$work/model" "${resume[@]}" "$@"
echo "[train.py exit $?] $(date +%T)"
python3 tools/train/train.py pack --work "$work" --pack "$out/pack"
ls -la "$out/pack"
echo "=== done $(date +%T)"
