#!/usr/bin/env bash
# Proves that train.py goes on where it was stopped, on CPU with tiny budgets
# (a few minutes on a loaded 2-core machine): run 1 is stopped with SIGTERM
# during the autoencoder, run 2 killed with SIGKILL during the teacher (it
# loses at most --save-every seconds), run 3 stopped with SIGTERM during the
# distillation, run 4 during the temporal layers and packed (train.py pack, as
# gpu_train.sh does), run 5 starts
# in a fresh work folder from that pack (--resume-from, as the next GPU call
# or this machine would) and runs to the export. Each run must start at the
# step the one before it saved; the script says which step each stage
# resumed at and fails otherwise.
#   tools/train/resume_check.sh [PYTHON]      (default /tmp/afterimage-venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${1:-/tmp/afterimage-venv/bin/python}
base=$(mktemp -d /tmp/resume_check.XXXXXX)
args=(--device cpu --per-style 4 --ae-minutes 0.6 --unet-minutes 0.6 --distill-minutes 0.6 --ae-batch 4
  --ae-crop 64 --batch 8 --teacher-steps 2 --temporal-minutes 0.6 --clips-per-style 1 --temporal-batch 2
  --save-every 10 --log-every 10 --workers 1 --out "$base/model")

# run_until WORK STAGE SIGNAL: train.py all until STAGE's checkpoint is first saved (--save-every 10 s into
# the stage), 3 s more, then SIGNAL it.
run_until() {
  local work=$1 stage=$2 sig=$3
  "$python" tools/train/train.py all --work "$work" "${args[@]}" >>"$base/stdout.log" 2>&1 &
  local pid=$!
  until [ -e "$work/$stage.pt" ]; do
    kill -0 "$pid" 2>/dev/null || { echo "FAIL: train.py ended before saving $stage.pt"; exit 1; }
    sleep 1
  done
  sleep 3
  kill "-$sig" "$pid"
  wait "$pid" || true
  echo "--- stopped with SIG$sig during $stage"
}

step_of() {  # step_of WORK NAME: the step saved in WORK/NAME.pt
  "$python" -c "import torch, sys; print(torch.load(sys.argv[1], weights_only=False)['state']['step'])" "$1/$2.pt"
}

expect_resume() {  # expect_resume NAME WORK STEP: stage NAME's log in WORK says it went on from STEP
  grep "^$1: going on from step" "$2/train.log" | tail -n 1
  grep -q "^$1: going on from step $3 " "$2/train.log" || { echo "FAIL: $1 did not go on from step $3"; exit 1; }
}

work=$base/work
run_until "$work" ae TERM
ae=$(step_of "$work" ae)
grep -q "^ae: $ae steps .*(stopped)" "$work/train.log" || { echo "FAIL: SIGTERM did not save the autoencoder"; exit 1; }
run_until "$work" unet KILL
expect_resume ae "$work" "$ae"
unet=$(step_of "$work" unet)
run_until "$work" distill TERM
expect_resume unet "$work" "$unet"
distill=$(step_of "$work" distill)
run_until "$work" temporal TERM
expect_resume distill "$work" "$distill"
temporal=$(step_of "$work" temporal)
"$python" tools/train/train.py pack --work "$work" >>"$base/stdout.log" 2>&1
ls -la "$work/pack"
"$python" tools/train/train.py all --work "$base/fresh" --resume-from "$work/pack" "${args[@]}" >>"$base/stdout.log" 2>&1
expect_resume temporal "$base/fresh" "$temporal"
ls "$base/model/unet" "$base/model/vae" "$base/model/motion_adapter"
grep -E "stopped|steps in|going on|resume|export|pack" "$base/fresh/train.log" | sed "s|$base/||"
echo "OK: every run went on where the one before it stopped ($base)"
