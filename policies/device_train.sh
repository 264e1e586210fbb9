#!/usr/bin/env bash
# Train and evaluate the reference bundles on the GPU machine, end to end, in one command and
# about 11 minutes (budget: 13):
#   1. collect expert demonstrations with `momento collect` (parallel processes over disjoint seed
#      ranges; train configurations only, task parameters drawn per seed from their training
#      ranges), merged into one momento-dataset/1 folder;
#   2. train memoryless (the twin: HAMLET's network with a window of one call and a flow head),
#      hamlet (T covering the longest training episode, at least 32), hamlet-t4 (the paper's T = 4)
#      and memoryvla (L = 16) at the same time on the one GPU, each with a time budget (SIGTERM on
#      overrun still exports);
#   3. at once, in parallel processes: check_parity.py on each bundle (parity.json, plus the
#      onnxruntime cross-check where onnxruntime is installed) and `momento eval` of each bundle on
#      test configurations in range (EVAL_EPISODES per task) and beyond the training ranges
#      (`--beyond 1.5`, `--beyond 2`: BEYOND_EPISODES per task, one process per task, merged by
#      merge_evals.py), JSON/text (and the in-range SVG) into <bundle>/eval/;
#   4. model cards (policies/model_card.py), $OUT/bundles.tar.gz (bundles with train.json,
#      training-runs.json, parity.json, eval/, MODEL_CARD.md, checkpoint.pt; all logs),
#      $OUT/summary.json (training, parity, evaluation, phase times) and $OUT/device_train.log.
#
# Usage (repository root, after `source .device/setup.sh` made node and dist/ available):
#   bash policies/device_train.sh
# A local rehearsal of the whole pipeline on the CPU in about 3 minutes:
#   DRY_RUN=1 bash policies/device_train.sh          (EPISODES=8, TRAIN_SECONDS=20, DEVICE=cpu, ...)
# Settings (environment): EPISODES per task (2000), COLLECT_JOBS (14), TRAIN_SECONDS per family
# (300), BATCH episodes per step (64; memoryvla 128 through EXTRA_memoryvla), STEPS cap (100000),
# PARITY_STEPS (100), FAMILIES ("memoryless hamlet hamlet-t4 memoryvla"), HAMLET_WINDOW (auto =
# max(32, longest training episode in calls)), PYTHON (python3), DEVICE (cuda), THREADS per
# trainer (3), EVAL_EPISODES (200), BEYOND ("1.5 2"; empty = none), BEYOND_EPISODES (200),
# BEYOND_PER_TASK (1: one process per task and factor; 0: one per factor), EVAL_TIMEOUT (300 s
# per eval process, and never past MAX_SECONDS (780) from the start: the tarball is written
# before 13 minutes whatever is still running), VERSION (2.0.0), WORK (/tmp/momento-train), INIT_DIR (continue from
# INIT_DIR/<bundle>/checkpoint.pt), EXTRA_<family> (extra train.py arguments), SKIP_PARITY,
# SKIP_EVAL (1 = leave it to another machine), OUT (/tmp/momento-out when unset). One family
# failing (training, parity or evaluation) does not stop the others.
set -uo pipefail

if [[ "${DRY_RUN:-0}" == 1 ]]; then
  : "${EPISODES:=8}" "${COLLECT_JOBS:=2}" "${TRAIN_SECONDS:=20}" "${BATCH:=4}" "${DEVICE:=cpu}" "${THREADS:=1}"
  : "${PARITY_STEPS:=20}" "${EVAL_EPISODES:=4}" "${BEYOND_EPISODES:=4}" "${PYTHON:=/usr/bin/python3}"
  : "${BEYOND_PER_TASK:=0}" "${WORK:=/tmp/momento-train-dry}" "${OUT:=/tmp/momento-out-dry}" "${EXTRA_memoryvla:=}" "${SEED_BASE:=900000}"
  export BEYOND_PER_TASK EPISODES COLLECT_JOBS TRAIN_SECONDS BATCH DEVICE THREADS PARITY_STEPS EVAL_EPISODES BEYOND_EPISODES PYTHON WORK OUT EXTRA_memoryvla SEED_BASE
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-/tmp/momento-out}
mkdir -p "$OUT"

# Everything this script prints also goes to $OUT/device_train.log.
if [[ -z "${MOMENTO_DEVICE_TRAIN_TEED:-}" ]]; then
  export MOMENTO_DEVICE_TRAIN_TEED=1
  bash "${BASH_SOURCE[0]}" "$@" 2>&1 | tee "$OUT/device_train.log"
  exit "${PIPESTATUS[0]}"
fi

cd "$ROOT"
EPISODES=${EPISODES:-2000}
COLLECT_JOBS=${COLLECT_JOBS:-14}
TRAIN_SECONDS=${TRAIN_SECONDS:-300}
BATCH=${BATCH:-64}
STEPS=${STEPS:-100000}
PARITY_STEPS=${PARITY_STEPS:-100}
FAMILIES=${FAMILIES:-"memoryless hamlet hamlet-t4 memoryvla"}
HAMLET_WINDOW=${HAMLET_WINDOW:-auto}
PYTHON=${PYTHON:-python3}
DEVICE=${DEVICE:-cuda}
THREADS=${THREADS:-3}
EVAL_EPISODES=${EVAL_EPISODES:-200}
BEYOND=${BEYOND-"1.5 2"}
BEYOND_EPISODES=${BEYOND_EPISODES:-200}
EVAL_TIMEOUT=${EVAL_TIMEOUT:-300}
MAX_SECONDS=${MAX_SECONDS:-780}
BEYOND_PER_TASK=${BEYOND_PER_TASK:-1}
VERSION=${VERSION:-2.0.0}
WORK=${WORK:-/tmp/momento-train}
SEED_BASE=${SEED_BASE:-100000}
EXTRA_memoryvla=${EXTRA_memoryvla---batch 128}
export PYTHONUNBUFFERED=1
export PYTORCH_CUDA_ALLOC_CONF=${PYTORCH_CUDA_ALLOC_CONF:-expandable_segments:True}

START=$SECONDS
say() { echo "[$(date +%H:%M:%S) +$((SECONDS - START))s] $*"; }
declare -A phase_seconds
phase_start=$SECONDS
phase() { phase_seconds[$1]=$((SECONDS - phase_start)); phase_start=$SECONDS; say "phase $1: ${phase_seconds[$1]} s"; }

# wait_all LABEL HOOK PID...: waits for every PID; every 30 s says how many still run and calls HOOK.
wait_all() {
  local label=$1 hook=$2; shift 2
  local last=$SECONDS running p
  while true; do
    running=0
    for p in "$@"; do kill -0 "$p" 2>/dev/null && running=$((running + 1)); done
    [[ $running -gt 0 ]] || break
    sleep 2
    if (( SECONDS - last >= 30 )); then
      last=$SECONDS
      say "  $label: $running of $# processes running"
      [[ -n "$hook" ]] && "$hook"
    fi
  done
}

rm -rf "$WORK"
mkdir -p "$WORK/parts" "$WORK/bundles" "$WORK/logs"
DATA=$WORK/data

# package: summary.json and bundles.tar.gz from whatever exists (also after a fatal error).
package() {
  local phases=""
  for k in "${!phase_seconds[@]}"; do phases+="$k=${phase_seconds[$k]} "; done
  "$PYTHON" - "$WORK/bundles" "$OUT/summary.json" "$phases" "$((SECONDS - START))" <<'EOF' || say "WARNING: summary failed"
import glob, json, os, sys
root, out, phases, total = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rows = {}
for name in sorted(os.listdir(root)) if os.path.isdir(root) else []:
    d = os.path.join(root, name)
    row = {}
    p = os.path.join(d, 'train.json')
    if os.path.exists(p):
        data = json.load(open(p))
        row.update({k: data.get(k) for k in ('family', 'steps', 'train_seconds', 'gpu', 'parameters', 'memory', 'head', 'final_loss',
                                             'final_val_loss', 'val_loss_per_task', 'export', 'episodes_per_task', 'task_params',
                                             'dataset_max_calls')})
    p = os.path.join(d, 'parity.json')
    if os.path.exists(p):
        data = json.load(open(p))
        row['parity'] = {'calls': data.get('steps_total'), 'episodes': len(data.get('episodes', [])),
                         'onnxruntime_check': data.get('onnxruntime_check'), 'bytes': os.path.getsize(p)}
    row['eval'] = {}
    order = lambda f: (0, 0.0) if os.path.basename(f).startswith('eval-') else (1, float(os.path.basename(f).split('-')[1]))
    for f in sorted(glob.glob(os.path.join(d, 'eval', '*.json')), key=order):
        try:
            run = json.load(open(f))['runs'][0]
        except Exception as err:  # noqa: BLE001
            row['eval'][os.path.basename(f)] = {'error': str(err)}
            continue
        row['eval'][os.path.basename(f)] = {
            'split': run.get('split'), 'seconds': run.get('seconds'),
            'tasks': {r['task']: {'rate': r['rate'], 'low': r['low'], 'high': r['high'], 'chance': r.get('chance'),
                                  'episodes': r['episodes'], **({'params': r['params']} if 'params' in r else {})}
                      for r in run['reports']}}
    row['files'] = {f: os.path.getsize(os.path.join(d, f)) for f in sorted(os.listdir(d)) if os.path.isfile(os.path.join(d, f))}
    rows[name] = row
summary = {'total_seconds': total, 'phase_seconds': {k: int(v) for k, v in (x.split('=') for x in phases.split())}, 'bundles': rows}
with open(out, 'w') as fh:
    json.dump(summary, fh, indent=1)
fmt = lambda v: f'{v:8.4f}' if isinstance(v, (int, float)) else f'{str(v):>8}'
print(f"{'bundle':16} {'steps':>6} {'train s':>8} {'loss':>8} {'val':>8}  params   parity")
for name, r in rows.items():
    pc = (r.get('parity') or {}).get('onnxruntime_check') or {}
    print(f"{name:16} {str(r.get('steps')):>6} {str(r.get('train_seconds')):>8} {fmt(r.get('final_loss'))} {fmt(r.get('final_val_loss'))}"
          f"  {(r.get('parameters') or {}).get('total', '-'):>7}  {pc.get('max_relative_error', '-')} {'ok' if pc.get('ok') else ''}")
tasks = []
for r in rows.values():
    for e in r['eval'].values():
        for t in e.get('tasks', {}):
            if t not in tasks:
                tasks.append(t)
if tasks:
    print('\nsuccess % per task (chance % in parentheses), test configurations')
    print(f"{'bundle':16} {'setting':18} " + ' '.join(f'{t[:16]:>16}' for t in tasks))
    for name, r in rows.items():
        for f, e in r['eval'].items():
            cells = []
            for t in tasks:
                x = e.get('tasks', {}).get(t)
                cells.append(f"{100 * x['rate']:5.1f} ({100 * x['chance']:4.1f})" if x and x.get('chance') is not None
                             else (f"{100 * x['rate']:5.1f}" if x else '-'))
            print(f"{name:16} {f[:-5]:18} " + ' '.join(f'{c:>16}' for c in cells))
EOF
  cp "$DATA/dataset.json" "$WORK/logs/dataset.json" 2>/dev/null || true
  tar -czf "$OUT/bundles.tar.gz" -C "$WORK" bundles logs && \
    say "wrote $OUT/bundles.tar.gz ($(du -h "$OUT/bundles.tar.gz" | cut -f1)), $OUT/summary.json, $OUT/device_train.log"
}
fatal() { say "FATAL: $*"; package; say "device_train: stopped after $((SECONDS - START)) s"; exit 1; }
# Stopped from outside (a command time limit): the trainers get the signal too and export; package what exists.
trap 'trap - TERM INT; say "signal: packaging what exists"; sleep 5; package; exit 143' TERM INT

say "device_train: EPISODES=$EPISODES/task COLLECT_JOBS=$COLLECT_JOBS TRAIN_SECONDS=$TRAIN_SECONDS BATCH=$BATCH DEVICE=$DEVICE FAMILIES='$FAMILIES' EVAL_EPISODES=$EVAL_EPISODES BEYOND='$BEYOND' x $BEYOND_EPISODES VERSION=$VERSION${DRY_RUN:+ DRY_RUN=$DRY_RUN}"
say "host: $(nproc) cores; $(nvidia-smi -L 2>/dev/null | head -n 4 | tr '\n' ' ' || echo 'no nvidia-smi')"
"$PYTHON" -c 'import sys, torch, numpy, onnx; print("python", sys.version.split()[0], "torch", torch.__version__, "cuda", torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "-", "numpy", numpy.__version__, "onnx", onnx.__version__)' \
  || say "WARNING: python/torch/onnx check failed"
say "node $(node --version 2>/dev/null || echo missing)"

# ------------------------------------------------------------------ the CLI and what it supports
CLI=$(node -p "require('./package.json').bin.momento" 2>/dev/null || echo dist/src/cli/main.js)
if [[ ! -f "$CLI" ]]; then
  say "building the CLI ($CLI missing): npm run build"
  npm run build --silent > "$WORK/logs/build.log" 2>&1 || { tail -n 30 "$WORK/logs/build.log"; fatal "npm run build failed"; }
fi
[[ -f "$CLI" ]] || fatal "no CLI at $CLI"
eval_help=$(node "$CLI" eval --help 2>&1)
collect_help=$(node "$CLI" collect --help 2>&1)
split_args=(); collect_split=()
if grep -q -- '--split' <<< "$eval_help"; then split_args=(--split test); else say "WARNING: this CLI's eval has no --split: evaluating on its default seeds"; fi
if grep -q -- '--split' <<< "$collect_help"; then collect_split=(--split train); fi
if ! grep -q -- '--beyond' <<< "$eval_help"; then say "WARNING: this CLI's eval has no --beyond: no beyond-range evaluation"; BEYOND=""; fi
phase setup

# ------------------------------------------------------------------ 1. collect
per_job=$(( (EPISODES + COLLECT_JOBS - 1) / COLLECT_JOBS ))
# --split train skips the seeds whose configuration is a test one, so a job reads more seeds than it
# records episodes: 10x apart keeps the jobs' seed ranges disjoint.
seed_stride=$(( per_job * 10 ))
say "collect: $COLLECT_JOBS processes x $per_job episodes per task (seeds from $SEED_BASE, $seed_stride apart) ${collect_split[*]}"
pids=()
for ((j = 0; j < COLLECT_JOBS; j++)); do
  seed=$((SEED_BASE + j * seed_stride))
  timeout -k 10 300 node "$CLI" collect --task all --episodes "$per_job" --out "$WORK/parts/$j" --no-mcap --seed-start "$seed" "${collect_split[@]}" \
    > "$WORK/logs/collect-$j.log" 2>&1 &
  pids+=($!)
done
collect_progress() { say "    $(du -sh "$WORK/parts" 2>/dev/null | cut -f1) written"; }
wait_all collect collect_progress "${pids[@]}"
parts=()
for ((j = 0; j < COLLECT_JOBS; j++)); do
  if wait "${pids[$j]}"; then
    parts+=("$WORK/parts/$j")
  else
    s=$?; say "WARNING: collect job $j failed (exit $s):"; tail -n 5 "$WORK/logs/collect-$j.log"
  fi
done
[[ ${#parts[@]} -gt 0 ]] || fatal "every collect job failed"
grep -h "expert successes" "$WORK/logs/collect-0.log"
"$PYTHON" policies/merge_datasets.py --out "$DATA" "${parts[@]}" || fatal "merge_datasets.py failed"
rm -rf "$WORK/parts"
"$PYTHON" -c "
import json, sys
m = json.load(open(sys.argv[1])); seen = {}
for e in m['episodes']:
    seen.setdefault(e['task'], []).append(e.get('seed'))
dup = {t: len(s) - len(set(s)) for t, s in seen.items() if len(s) != len(set(s))}
print('collect: episodes per task', {t: len(s) for t, s in seen.items()}, '; WARNING: repeated seeds ' + str(dup) if dup else '; every seed once')
" "$DATA/dataset.json"
longest=$("$PYTHON" -c "import json,sys; m=json.load(open(sys.argv[1])); print(max((e['length'] + 3) // 4 for e in m['episodes']))" "$DATA/dataset.json")
say "collect: done ($(du -sh "$DATA" | cut -f1); longest episode $longest calls)"
phase collect

# ------------------------------------------------------------------ 2. train, in parallel on the GPU
if [[ "$HAMLET_WINDOW" == auto ]]; then HAMLET_WINDOW=$(( longest > 32 ? longest : 32 )); fi
declare -A train_pid
names=()
for fam in $FAMILIES; do
  case $fam in
    memoryless) name=memoryless-sim; args=(--family hamlet --window 1 --head flow) ;;
    hamlet) name=hamlet-sim; args=(--family hamlet --window "$HAMLET_WINDOW") ;;
    hamlet-t4) name=hamlet-t4-sim; args=(--family hamlet --window 4) ;;
    memoryvla) name=memoryvla-sim; args=(--family memoryvla --capacity 16) ;;
    *) say "WARNING: unknown family '$fam' skipped"; continue ;;
  esac
  names+=("$name")
  # Continue from an earlier run's checkpoint (INIT_DIR/<name>/checkpoint.pt), and per-family
  # extra arguments (EXTRA_hamlet, EXTRA_memoryvla, ...; later arguments win).
  if [[ -n "${INIT_DIR:-}" && -f "$INIT_DIR/$name/checkpoint.pt" ]]; then args+=(--init "$INIT_DIR/$name/checkpoint.pt"); fi
  extra_var="EXTRA_${fam//-/_}"
  read -r -a extra <<< "${!extra_var:-}"
  timeout -s TERM -k 60 $((TRAIN_SECONDS + 150)) \
    "$PYTHON" policies/train.py "${args[@]}" --data "$DATA" --out "$WORK/bundles/$name" --name "$name" \
      --time-budget "$TRAIN_SECONDS" --steps "$STEPS" --batch "$BATCH" --threads "$THREADS" --device "$DEVICE" --seed 0 \
      --version "$VERSION" --log-every 100 --eval-every 500 "${extra[@]}" \
    > "$WORK/logs/$name.log" 2>&1 &
  train_pid[$name]=$!
  say "train: $name started (pid ${train_pid[$name]}): ${args[*]} ${extra[*]}"
done
train_progress() {
  local name
  for name in "${names[@]}"; do
    say "    $name: $(grep -E 'step|done|EXPORT|Error|error' "$WORK/logs/$name.log" 2>/dev/null | tail -n 1 | cut -c1-150)"
  done
  nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader 2>/dev/null | sed 's/^/    gpu: /'
}
wait_all train train_progress "${train_pid[@]}"
declare -A train_status
for name in "${names[@]}"; do
  if wait "${train_pid[$name]}"; then train_status[$name]=0; else train_status[$name]=$?; fi
  say "train: $name exited ${train_status[$name]}"
  tail -n 4 "$WORK/logs/$name.log" | sed 's/^/    /'
done
phase train

# ------------------------------------------------------------------ 3. parity and evaluation, in parallel processes
eval_limit=$(( MAX_SECONDS - (SECONDS - START) - 25 ))
(( eval_limit < EVAL_TIMEOUT )) || eval_limit=$EVAL_TIMEOUT
(( eval_limit >= 30 )) || eval_limit=30
check_pids=()
merges=()
declare -A check_what
TASKS=$("$PYTHON" -c "import json, sys; print(' '.join(json.load(open(sys.argv[1]))['tasks']))" "$DATA/dataset.json")
beyond_tasks=$TASKS; [[ "$BEYOND_PER_TASK" == 1 ]] || beyond_tasks=all
for name in "${names[@]}"; do
  bundle=$WORK/bundles/$name
  if [[ ! -f "$bundle/policy.json" ]]; then say "parity/eval: $name has no exported bundle, skipped"; continue; fi
  if [[ "${SKIP_PARITY:-0}" != 1 && -f "$bundle/checkpoint.pt" ]]; then
    OMP_NUM_THREADS=1 timeout -k 5 "$eval_limit" "$PYTHON" policies/check_parity.py "$bundle" "$DATA" --steps "$PARITY_STEPS" > "$WORK/logs/$name-parity.log" 2>&1 &
    check_pids+=($!); check_what[$!]="$name parity"
  fi
  [[ "${SKIP_EVAL:-0}" == 1 ]] && continue
  mkdir -p "$bundle/eval"
  settings=("eval-$EVAL_EPISODES|$EVAL_EPISODES|")
  for f in $BEYOND; do settings+=("beyond-$f-$BEYOND_EPISODES|$BEYOND_EPISODES|$f"); done
  for s in "${settings[@]}"; do
    IFS='|' read -r label n factor <<< "$s"
    if [[ -z "$factor" ]]; then  # in range: one process over all tasks (its chart is eval/success.svg)
      timeout -k 5 "$eval_limit" node "$CLI" eval --policy "$bundle" --task all --episodes "$n" "${split_args[@]}" \
        --json "$bundle/eval/$label.json" --svg "$bundle/eval/success.svg" --quiet > "$bundle/eval/$label.txt" 2> "$WORK/logs/$name-$label.err" &
      check_pids+=($!); check_what[$!]="$name $label"
      continue
    fi
    # beyond the training ranges the episodes run longer (and fail to the time limit): one process
    # per task, merged afterwards by merge_evals.py
    mkdir -p "$WORK/evalparts/$name/$label"
    merges+=("$name|$label")
    for task in $beyond_tasks; do
      # niced: the in-range evaluations and parity (the targets) get the cores first
      nice -n 10 timeout -k 5 "$eval_limit" node "$CLI" eval --policy "$bundle" --task "$task" --episodes "$n" "${split_args[@]}" --beyond "$factor" \
        --json "$WORK/evalparts/$name/$label/$task.json" --quiet > /dev/null 2> "$WORK/logs/$name-$label-$task.err" &
      check_pids+=($!); check_what[$!]="$name $label-$task"
    done
  done
done
say "parity/eval: ${#check_pids[@]} processes (time limit ${eval_limit} s each)"
check_progress() { say "    eval files so far: $(ls "$WORK"/bundles/*/eval/*.json 2>/dev/null | wc -l)"; }
wait_all parity/eval check_progress "${check_pids[@]}"
for p in "${check_pids[@]}"; do
  if wait "$p"; then s=0; else s=$?; fi
  read -r name what <<< "${check_what[$p]}"
  if [[ "$what" == parity ]]; then
    say "parity: $name exited $s"; tail -n 3 "$WORK/logs/$name-parity.log" | sed 's/^/    /'
  else
    [[ $s == 0 ]] || { say "WARNING: eval $name $what exited $s"; tail -n 5 "$WORK/logs/$name-$what.err" | sed 's/^/    /'; }
  fi
done
for m in "${merges[@]}"; do
  IFS='|' read -r name label <<< "$m"
  part_files=(); for task in $beyond_tasks; do part_files+=("$WORK/evalparts/$name/$label/$task.json"); done
  python3 policies/merge_evals.py --out "$WORK/bundles/$name/eval/$label.json" "${part_files[@]}" > /dev/null \
    || say "WARNING: no $label evaluation of $name"
done
phase parity_eval

# ------------------------------------------------------------------ 4. model cards, summary and tarball
for name in "${names[@]}"; do
  bundle=$WORK/bundles/$name
  [[ -f "$bundle/train.json" && -f "$bundle/policy.json" ]] || continue
  # A continued run appends to the history of the bundle it started from.
  if [[ -n "${INIT_DIR:-}" && -f "$INIT_DIR/$name/training-runs.json" && ! -f "$bundle/training-runs.json" ]]; then
    cp "$INIT_DIR/$name/training-runs.json" "$bundle/training-runs.json"
  fi
  "$PYTHON" policies/model_card.py --new-run "$bundle" || say "WARNING: model card of $name failed"
done
phase cards
package
failed=0
for name in "${names[@]}"; do
  [[ -f "$WORK/bundles/$name/policy.json" && ( "${SKIP_PARITY:-0}" == 1 || -f "$WORK/bundles/$name/parity.json" ) \
     && ( "${SKIP_EVAL:-0}" == 1 || -f "$WORK/bundles/$name/eval/eval-$EVAL_EPISODES.json" ) ]] || { say "INCOMPLETE: $name"; failed=1; }
done
say "device_train: finished in $((SECONDS - START)) s (phases: $(for k in setup collect train parity_eval cards; do printf '%s %s s; ' "$k" "${phase_seconds[$k]:-?}"; done))"
exit $failed
