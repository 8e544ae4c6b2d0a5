#!/usr/bin/env bash
# Trains the agents' role models from scratch on exported agent traces and prints each one's held-out accuracy
# per role (exact match of the completion on traces of an unseen suite seed), wall time and load average.
#   bench/agents/train.sh [roles|planner|caller|solver|all|both] [minutes] [out-dir]
# roles: the three specialists; all: one model of about their total size on every role (the alpha-UMi comparison);
# both: all four. PARALLEL=2 (the default) trains two models at a time on one thread each (libtorch gains little
# from a second thread on matrices this small: two one-thread runs do about 1.7 times the work of one two-thread
# run). The traces come from `gateway agents traces` (a reference-plan oracle playing each
# role through the real agents): suite seed 1 for training, seed 2 held out; written once under bench/agents/traces/.
set -euo pipefail
cd "$(dirname "$0")/../.."
which=${1:-roles}
minutes=${2:-30}
out=${3:-config/models}
traces=${TRACES:-bench/agents/traces}
logs=${LOGS:-bench/agents/logs}
mkdir -p "$traces" "$out" "$logs"
host=src/Gateway.Host/bin/Release/net10.0/Gateway.Host.dll
trainer=tools/Gateway.Trainer/bin/Release/net10.0/Gateway.Trainer.dll
dotnet build -c Release tools/Gateway.Trainer -v quiet -nologo >/dev/null
if [[ ! -s $traces/train.jsonl || ! -s $traces/heldout.jsonl ]]; then
  dotnet build -c Release src/Gateway.Host -v quiet -nologo >/dev/null
  dotnet "$host" agents traces --agent rewoo umi react --seed 1 --count "${TRAIN_ITEMS:-300}" --out "$traces/train.jsonl"
  dotnet "$host" agents traces --agent rewoo umi react --seed 2 --count 8 --out "$traces/heldout.jsonl"
fi

# Each model starts from a copying warm-up of its shape (base-<width>): the drill alone, every example a message to
# repeat, for BASE_STEPS steps (about 4 minutes at 64 wide on two threads), saved as a checkpoint. Small models
# learn the fixed text of a role's answers first and can then sit on a plateau for the whole budget before they copy
# numbers and words from the task; the repeat drill forms the copying attention within about 1,300 steps. Each model
# resumes a copy of that checkpoint on its roles' traces (the drill then a small share), and its time limit counts
# the warm-up's time: MINUTES of training in all, warm-up included.
ckpt=${CHECKPOINTS:-bench/agents/checkpoints}
mkdir -p "$ckpt"
# width, blocks, heads, kv heads, feed-forward (a shape's warm-up is made once and reused)
base() {
  local dim=$1 layers=$2 heads=$3 kv=$4 ffn=$5 name=base-$1
  [[ -s $ckpt/$name.json ]] && return 0
  echo "== $name (copying warm-up, ${BASE_STEPS:-1800} steps): load before $(cut -d' ' -f1-3 /proc/loadavg)"
  OMP_WAIT_POLICY=passive dotnet "$trainer" train --name "$name" --traces "$traces/heldout.jsonl" --roles umi/caller \
    --copy-share 1 --copy-repeat 1 --dim "$dim" --layers "$layers" --heads "$heads" --kv-heads "$kv" --ffn "$ffn" --context 1536 \
    --steps "${STEPS:-100000}" --batch "${BATCH:-8}" --lr "${LR:-5e-3}" --minutes "$minutes" --threads 2 --seed 1 --eval-items 0 \
    --checkpoint "$ckpt/$name" --checkpoint-every 100 --stop-after "${BASE_STEPS:-1800}" --out "$ckpt/$name.gguf" >"$logs/$name.log" 2>&1
  tail -n 1 "$logs/$name.log"
}

# name, roles, width, blocks, heads, kv heads, feed-forward
train() {
  local name=$1 roles=$2 dim=$3 layers=$4 heads=$5 kv=$6 ffn=$7
  # The drill after the warm-up: its share of steps, and of its examples the share that repeat a whole message and
  # the share that answer with the message's numbers (the rest copy a quoted span).
  local copy_share=${8:-0.15} copy_repeat=${9:-0.5} copy_numbers=${10:-0}
  echo "== $name ($roles): load before $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
  for f in json weights optimizer; do cp "$ckpt/base-$dim.$f" "$ckpt/$name.$f"; done
  local start
  start=$(date +%s)
  # libtorch's OpenMP threads spin while they wait; on a shared machine passive waiting is far faster.
  OMP_WAIT_POLICY=passive dotnet "$trainer" train --name "$name" --traces "$traces/train.jsonl" --eval-traces "$traces/heldout.jsonl" \
    --roles "$roles" --copy-share "$copy_share" --copy-repeat "$copy_repeat" --copy-numbers "$copy_numbers" --show 2 --dim "$dim" --layers "$layers" --heads "$heads" --kv-heads "$kv" --ffn "$ffn" --context 1536 \
    --steps "${STEPS:-100000}" --batch "${BATCH:-8}" --lr "${LR:-5e-3}" --minutes "$minutes" --threads "${THREADS:-1}" --seed 1 --eval-items 200 --f16 \
    --checkpoint "$ckpt/$name" --checkpoint-every 500 --out "$out/$name.gguf" >"$logs/$name.log" 2>&1
  tail -n 40 "$logs/$name.log"
  local end
  end=$(date +%s)
  echo "== $name: load after $(cut -d' ' -f1-3 /proc/loadavg); wall $(( (end - start) / 60 )) min $(( (end - start) % 60 )) s after the warm-up (limit $minutes min of training in all)"
}

# The planners copy numbers into plan inputs from among the task's words: more drill, most of it finding numbers
# (25 % / 56 % held-out exact against 11 % / 41 % with the callers' drill, same budget).
planner() { base 64 3 4 4 192; train agent-planner "rewoo/planner,umi/planner" 64 3 4 4 192 0.3 0.3 0.4; }
caller() { base 64 3 4 4 192; train agent-caller "umi/caller,react/actor" 64 3 4 4 192; }
solver() { base 64 3 4 4 192; train agent-solver "rewoo/solver,umi/summarizer" 64 3 4 4 192; }
# One model of the three specialists' total size (618,128 against 3 × 205,760 parameters) on every role.
all() { base 112 3 4 4 384; train agent-all "" 112 3 4 4 384; }
# Runs the named models, PARALLEL (default 2) at a time, each shape's warm-up first.
several() {
  local n=0
  for m in "$@"; do
    "$m" &
    n=$((n + 1))
    if ((n % ${PARALLEL:-2} == 0)); then wait; fi
  done
  wait
}

case "$which" in
  planner | caller | solver | all) "$which" ;;
  roles) base 64 3 4 4 192; several planner caller solver ;;
  both) base 64 3 4 4 192; base 112 3 4 4 384; several planner caller solver all ;;
  *) echo "unknown model $which (roles, planner, caller, solver, all or both)" >&2; exit 2 ;;
esac
