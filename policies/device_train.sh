#!/usr/bin/env bash
# Train the reference bundles on the GPU machine, end to end, in about 7 minutes:
#   1. collect expert demonstrations with `momento collect` (parallel processes over disjoint
#      seed ranges, merged into one momento-dataset/1 folder);
#   2. train memoryless, hamlet (T = 32 and the paper's T = 4) and memoryvla at the same time on
#      the one GPU, each with a time budget (SIGTERM on overrun still exports);
#   3. check_parity.py on each bundle (PyTorch reference on 100 recorded calls -> parity.json,
#      plus an onnxruntime cross-check of the exported graphs);
#   4. $OUT/bundles.tar.gz (bundles with train.json, parity.json, checkpoint.pt, and all logs),
#      $OUT/summary.json and $OUT/device_train.log.
#
# Usage (repository root, after `source .device/setup.sh` made node and dist/ available):
#   bash policies/device_train.sh
# Settings (environment): EPISODES per task (1500), COLLECT_JOBS (8), TRAIN_SECONDS per family
# (300), BATCH episodes per step (64), STEPS cap (100000), PARITY_STEPS (100), FAMILIES
# ("memoryless hamlet hamlet-t4 memoryvla"), PYTHON (python3), DEVICE (cuda), THREADS per trainer
# (4), WORK (/tmp/momento-train), INIT_DIR (continue from INIT_DIR/<bundle>/checkpoint.pt),
# EXTRA_<family> (extra train.py arguments), SKIP_PARITY (1 = leave parity to another machine),
# OUT (/tmp/momento-out when unset). One family failing does not stop the others.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-/tmp/momento-out}
mkdir -p "$OUT"

# Everything this script prints also goes to $OUT/device_train.log.
if [[ -z "${MOMENTO_DEVICE_TRAIN_TEED:-}" ]]; then
  export MOMENTO_DEVICE_TRAIN_TEED=1
  set +e
  bash "${BASH_SOURCE[0]}" "$@" 2>&1 | tee "$OUT/device_train.log"
  status=${PIPESTATUS[0]}
  exit "$status"
fi

cd "$ROOT"
EPISODES=${EPISODES:-1500}
COLLECT_JOBS=${COLLECT_JOBS:-8}
TRAIN_SECONDS=${TRAIN_SECONDS:-300}
BATCH=${BATCH:-64}
STEPS=${STEPS:-100000}
PARITY_STEPS=${PARITY_STEPS:-100}
FAMILIES=${FAMILIES:-"memoryless hamlet hamlet-t4 memoryvla"}
PYTHON=${PYTHON:-python3}
DEVICE=${DEVICE:-cuda}
THREADS=${THREADS:-4}
WORK=${WORK:-/tmp/momento-train}
SEED_BASE=${SEED_BASE:-100000}
export PYTHONUNBUFFERED=1
export PYTORCH_CUDA_ALLOC_CONF=${PYTORCH_CUDA_ALLOC_CONF:-expandable_segments:True}

START=$SECONDS
say() { echo "[$(date +%H:%M:%S) +$((SECONDS - START))s] $*"; }

rm -rf "$WORK"
mkdir -p "$WORK/parts" "$WORK/bundles" "$WORK/logs"
DATA=$WORK/data

say "device_train: EPISODES=$EPISODES/task COLLECT_JOBS=$COLLECT_JOBS TRAIN_SECONDS=$TRAIN_SECONDS BATCH=$BATCH FAMILIES='$FAMILIES'"
say "host: $(nproc) cores; $(nvidia-smi -L 2>/dev/null | head -n 4 | tr '\n' ' ' || echo 'no nvidia-smi')"
"$PYTHON" -c 'import sys, torch, numpy, onnx; print("python", sys.version.split()[0], "torch", torch.__version__, "cuda", torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "-", "numpy", numpy.__version__, "onnx", onnx.__version__)' \
  || say "WARNING: python/torch/onnx check failed"
say "node $(node --version 2>/dev/null || echo missing)"

# ------------------------------------------------------------------ the CLI
CLI=$(node -p "require('./package.json').bin.momento" 2>/dev/null || echo dist/src/cli/main.js)
if [[ ! -f "$CLI" ]]; then
  say "building the CLI ($CLI missing): npm run build"
  npm run build --silent > "$WORK/logs/build.log" 2>&1 || { tail -n 30 "$WORK/logs/build.log"; say "FATAL: npm run build failed"; exit 1; }
fi
[[ -f "$CLI" ]] || { say "FATAL: no CLI at $CLI"; exit 1; }

# ------------------------------------------------------------------ 1. collect
per_job=$(( (EPISODES + COLLECT_JOBS - 1) / COLLECT_JOBS ))
say "collect: $COLLECT_JOBS processes x $per_job episodes per task (seeds from $SEED_BASE)"
pids=()
for ((j = 0; j < COLLECT_JOBS; j++)); do
  seed=$((SEED_BASE + j * per_job))
  timeout -k 10 300 node "$CLI" collect --task all --episodes "$per_job" --out "$WORK/parts/$j" --no-mcap --seed-start "$seed" \
    > "$WORK/logs/collect-$j.log" 2>&1 &
  pids+=($!)
done
parts=()
for ((j = 0; j < COLLECT_JOBS; j++)); do
  if wait "${pids[$j]}"; then
    parts+=("$WORK/parts/$j")
  else
    s=$?; say "WARNING: collect job $j failed (exit $s):"; tail -n 5 "$WORK/logs/collect-$j.log" || true
  fi
done
[[ ${#parts[@]} -gt 0 ]] || { say "FATAL: every collect job failed"; exit 1; }
grep -h "expert successes" "$WORK/logs/collect-0.log" || true
"$PYTHON" policies/merge_datasets.py --out "$DATA" "${parts[@]}"
rm -rf "$WORK/parts"
say "collect: done ($(du -sh "$DATA" | cut -f1))"

# ------------------------------------------------------------------ 2. train, in parallel on the GPU
declare -A train_pid
names=()
for fam in $FAMILIES; do
  case $fam in
    memoryless) name=memoryless-sim; args=(--family memoryless) ;;
    hamlet) name=hamlet-sim; args=(--family hamlet --window 32) ;;
    hamlet-t4) name=hamlet-t4-sim; args=(--family hamlet --window 4) ;;
    memoryvla) name=memoryvla-sim; args=(--family memoryvla --capacity 16) ;;
    *) say "WARNING: unknown family '$fam' skipped"; continue ;;
  esac
  names+=("$name")
  # Continue from an earlier run's checkpoint (INIT_DIR/<name>/checkpoint.pt), and per-family
  # extra arguments (EXTRA_hamlet, EXTRA_memoryvla, ...).
  if [[ -n "${INIT_DIR:-}" && -f "$INIT_DIR/$name/checkpoint.pt" ]]; then args+=(--init "$INIT_DIR/$name/checkpoint.pt"); fi
  extra_var="EXTRA_${fam//-/_}"
  read -r -a extra <<< "${!extra_var:-}"
  timeout -s TERM -k 60 $((TRAIN_SECONDS + 150)) \
    "$PYTHON" policies/train.py "${args[@]}" --data "$DATA" --out "$WORK/bundles/$name" --name "$name" \
      --time-budget "$TRAIN_SECONDS" --steps "$STEPS" --batch "$BATCH" --threads "$THREADS" --device "$DEVICE" --seed 0 \
      --log-every 100 --eval-every 500 "${extra[@]}" \
    > "$WORK/logs/$name.log" 2>&1 &
  train_pid[$name]=$!
  say "train: $name started (pid ${train_pid[$name]}): ${args[*]}"
done

# progress every 30 s while any trainer runs
last_print=$SECONDS
while true; do
  running=0
  for name in "${names[@]}"; do
    if kill -0 "${train_pid[$name]}" 2>/dev/null; then running=$((running + 1)); fi
  done
  [[ $running -gt 0 ]] || break
  sleep 5
  (( SECONDS - last_print >= 30 )) || continue
  last_print=$SECONDS
  for name in "${names[@]}"; do
    say "  $name: $(grep -E 'step|done|EXPORT|Error|error' "$WORK/logs/$name.log" 2>/dev/null | tail -n 1 | cut -c1-150)"
  done
  nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader 2>/dev/null | sed 's/^/  gpu: /' || true
done
declare -A train_status
for name in "${names[@]}"; do
  if wait "${train_pid[$name]}"; then train_status[$name]=0; else train_status[$name]=$?; fi
  say "train: $name exited ${train_status[$name]}"
  tail -n 4 "$WORK/logs/$name.log" | sed 's/^/    /' || true
done

# ------------------------------------------------------------------ 3. parity
declare -A parity_pid
[[ "${SKIP_PARITY:-0}" == 1 ]] && say "parity: skipped (SKIP_PARITY=1; run policies/check_parity.py where the data is)"
for name in "${names[@]}"; do
  [[ "${SKIP_PARITY:-0}" == 1 ]] && break
  bundle=$WORK/bundles/$name
  if [[ -f "$bundle/policy.json" && -f "$bundle/checkpoint.pt" ]]; then
    timeout -k 10 180 "$PYTHON" policies/check_parity.py "$bundle" "$DATA" --steps "$PARITY_STEPS" > "$WORK/logs/$name-parity.log" 2>&1 &
    parity_pid[$name]=$!
  else
    say "parity: $name has no exported bundle, skipped"
  fi
done
for name in "${!parity_pid[@]}"; do
  if wait "${parity_pid[$name]}"; then s=0; else s=$?; fi
  say "parity: $name exited $s"
  sed 's/^/    /' "$WORK/logs/$name-parity.log" | tail -n 6 || true
done

# ------------------------------------------------------------------ 4. summary and tarball
"$PYTHON" - "$WORK/bundles" "$OUT/summary.json" <<'EOF' || say "WARNING: summary failed"
import json, os, sys
root, out = sys.argv[1], sys.argv[2]
rows = {}
for name in sorted(os.listdir(root)):
    d = os.path.join(root, name)
    row = {}
    for f in ('train.json', 'parity.json'):
        p = os.path.join(d, f)
        if os.path.exists(p):
            with open(p) as fh:
                data = json.load(fh)
            if f == 'train.json':
                row.update({k: data.get(k) for k in ('family', 'steps', 'train_seconds', 'gpu', 'parameters', 'memory',
                                                     'final_loss', 'final_val_loss', 'val_loss_per_task', 'export', 'episodes_per_task')})
            else:
                row['parity'] = {'calls': data.get('steps_total'), 'episodes': len(data.get('episodes', [])),
                                 'onnxruntime_check': data.get('onnxruntime_check'), 'bytes': os.path.getsize(p)}
    row['files'] = {f: os.path.getsize(os.path.join(d, f)) for f in sorted(os.listdir(d))}
    rows[name] = row
with open(out, 'w') as fh:
    json.dump(rows, fh, indent=1)
print(f"{'bundle':16} {'steps':>6} {'train s':>8} {'loss':>8} {'val':>8}  params   parity")
for name, r in rows.items():
    fmt = lambda v: f'{v:8.4f}' if isinstance(v, (int, float)) else f'{str(v):>8}'
    pc = (r.get('parity') or {}).get('onnxruntime_check') or {}
    print(f"{name:16} {str(r.get('steps')):>6} {str(r.get('train_seconds')):>8} {fmt(r.get('final_loss'))} {fmt(r.get('final_val_loss'))}"
          f"  {(r.get('parameters') or {}).get('total', '-'):>7}  {pc.get('max_relative_error', '-')} {'ok' if pc.get('ok') else ''}")
    print('    val per task: ' + ', '.join(f'{k} {v:.4f}' for k, v in (r.get('val_loss_per_task') or {}).items()))
EOF
cp "$DATA/dataset.json" "$WORK/logs/dataset.json" 2>/dev/null || true
tar -czf "$OUT/bundles.tar.gz" -C "$WORK" bundles logs
say "wrote $OUT/bundles.tar.gz ($(du -h "$OUT/bundles.tar.gz" | cut -f1)), $OUT/summary.json, $OUT/device_train.log"
failed=0
for name in "${names[@]}"; do
  [[ -f "$WORK/bundles/$name/policy.json" && ( "${SKIP_PARITY:-0}" == 1 || -f "$WORK/bundles/$name/parity.json" ) ]] || { say "INCOMPLETE: $name"; failed=1; }
done
say "device_train: finished in $((SECONDS - START)) s"
exit $failed
