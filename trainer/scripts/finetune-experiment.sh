#!/usr/bin/env bash
# ERNIE vs --no-entities on the WordNet typing and relation tasks, MiniLM on CPU, same seeds and budget.
#   trainer/scripts/finetune-experiment.sh [SEEDS] [EPOCHS] [TASKS]     (defaults: "1 2 3" 2 "typing relation")
# Training examples per task: TYPING_LIMIT (default 0 = all 9,153) and RELATION_LIMIT (default 4000) in the environment.
# ENTITY_SCALE (default 1): finetune's --entity-scale, the factor the entity vectors are fed at (10 = unit scale per
# component for TransE's unit-norm 100-d vectors).
# VARIANTS (default "ernie bert"): ernie, bert (--no-entities) and ernie+dea, ERNIE started from an encoder whose
# entity side was first pretrained with MLM + dEA while MiniLM's own weights stayed frozen (pretrain
# --freeze-pretrained; 24,000 corpus texts that mention no typing dev/test synset; 1 epoch at lr 1e-3).
# Needs: ./ernie.sh trainer datasets wordnet --out target/wordnet (run first).
# Results: $EXP (default target/exp)/*/metrics.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS="${1:-1 2 3}"; EPOCHS="${2:-2}"; TASKS="${3:-typing relation}"
declare -A LIMIT=([typing]="${TYPING_LIMIT:-0}" [relation]="${RELATION_LIMIT:-4000}")
DATA=target/wordnet; EXP=${EXP:-target/exp}
export OMP_WAIT_POLICY=PASSIVE
./ernie.sh mvn -q -pl trainer -DskipTests package
# a private copy of the classes: rebuilding the project during a long experiment must not change the code it runs
mkdir -p $EXP && rm -rf $EXP/classes && cp -r trainer/target/classes $EXP/classes
run() { "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -Dernie.djl.cacheDir="$PWD/target/djl-cache" \
  --enable-native-access=ALL-UNNAMED -cp "$EXP/classes:$(cat trainer/target/classpath.txt)" \
  io.ernieneo4j.trainer.cli.ErnieTrainer "$@"; }
# one run into $EXP/NAME; a run cut short (it has a checkpoint but no metrics.json) continues from its checkpoint,
# which repeats the unbroken run exactly (FinetunerTest). Runs have died of a native SIGSEGV now and then (open bug).
finetune() {
  local name=$1; local task=${name%%-*}; shift
  [ -f $EXP/$name/metrics.json ] && return 0
  local resume=(); [ -f $EXP/$name/checkpoint/state.json ] && resume=(--resume)
  run finetune $task "$@" --out $EXP/$name "${resume[@]}" || run finetune $task "$@" --out $EXP/$name --resume
}
# entity vectors: all WordNet pointers, minus every fact the relation dev/test sets ask about
[ -f $EXP/wordnet-transe.tsv ] || run transe --wordnet --exclude-pairs $DATA/relation/dev.jsonl \
  --exclude-pairs $DATA/relation/test.jsonl --epochs 200 --out $EXP/wordnet-transe.tsv
VARIANTS=" ${VARIANTS:-ernie bert} "
if [[ $VARIANTS == *" ernie+dea "* ]] && [ ! -f $EXP/pretrained-frozen/metrics.json ]; then
  python3 - "$DATA" "$EXP/corpus-24k.jsonl" <<'PY'
import json, random, sys
data, out = sys.argv[1], sys.argv[2]
held = set()
for part in ("dev", "test"):
    for line in open(f"{data}/typing/{part}.jsonl"):
        d = json.loads(line)
        held.add(d["mention"]["entity"])
        held.update(e["entity"] for e in d.get("entities", []))
keep = [line for line in open(f"{data}/corpus/corpus.jsonl")
        if (d := json.loads(line))["id"].split("#")[0] not in held
        and not any(e["entity"] in held for e in d["entities"])]
random.Random(7).shuffle(keep)
open(out, "w").writelines(keep[:24000])
PY
  resume=(); [ -f $EXP/pretrained-frozen/checkpoint/state.json ] && resume=(--resume)
  run pretrain --corpus $EXP/corpus-24k.jsonl --entities $EXP/wordnet-transe.tsv --out $EXP/pretrained-frozen \
    --freeze-pretrained --epochs 1 --batch-size 32 --learning-rate 1e-3 --max-length 64 --seed 42 "${resume[@]}"
fi
for seed in $SEEDS; do
  for task in $TASKS; do
    common=(--train $DATA/$task/train.jsonl --dev $DATA/$task/dev.jsonl --train-limit "${LIMIT[$task]}"
            --epochs "$EPOCHS" --batch-size 32 --learning-rate 1e-4 --head-learning-rate 1e-3 --max-length 64
            --seed "$seed" --patience 0 --unknown-entities skip --entity-scale "${ENTITY_SCALE:-1}")
    if [[ $VARIANTS == *" ernie "* ]]; then
      finetune $task-ernie-$seed "${common[@]}" --entities $EXP/wordnet-transe.tsv
    fi
    if [[ $VARIANTS == *" bert "* ]]; then
      finetune $task-bert-$seed "${common[@]}" --no-entities
    fi
    if [[ $VARIANTS == *" ernie+dea "* ]]; then
      finetune $task-ernie+dea-$seed "${common[@]}" --entities $EXP/wordnet-transe.tsv --init $EXP/pretrained-frozen
    fi
  done
done
# test scores of both variants, same seed, by `trainer evaluate` on the held-out split
if [[ $VARIANTS == *" ernie "* && $VARIANTS == *" bert "* ]]; then
  for seed in $SEEDS; do
    for task in $TASKS; do
      [ -f $EXP/$task-$seed-test.json ] || run evaluate --model $EXP/$task-ernie-$seed --baseline $EXP/$task-bert-$seed \
        --entities $EXP/wordnet-transe.tsv --test $DATA/$task/test.jsonl --unknown-entities skip \
        --out $EXP/$task-$seed-test.json
    done
  done
fi
# the knowledge gain, per seed and on average, into tests/benchmarks/results/knowledge-gain.json
python3 - "$EXP" "$SEEDS" "$EPOCHS" "$TASKS" "${ENTITY_SCALE:-1}" <<'PY'
import datetime, json, os, statistics as st, sys
exp, seeds, epochs, tasks, scale = sys.argv[1], sys.argv[2].split(), sys.argv[3], sys.argv[4].split(), sys.argv[5]
def metric(task, scores):
    return scores["micro"]["f1"] if task == "typing" else scores["macroF1"]
result = {"benchmark": "knowledge-gain",
          "command": f'ENTITY_SCALE={scale} trainer/scripts/finetune-experiment.sh "{" ".join(seeds)}" {epochs} "{" ".join(tasks)}"',
          "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
          "machine": {"cores": os.cpu_count(), "loadAverage": open("/proc/loadavg").read().split()[0]},
          "metric": {"typing": "micro-F1", "relation": "macro-F1"}, "tasks": {}}
for task in tasks:
    rows = []
    for seed in seeds:
        row = {"seed": int(seed)}
        for variant, key in (("ernie", "ernie"), ("bert", "noEntities"), ("ernie+dea", "ernieDea")):
            path = f"{exp}/{task}-{variant}-{seed}/metrics.json"
            if os.path.exists(path):
                row[f"{key}Dev"] = metric(task, json.load(open(path))["dev"])
        test = f"{exp}/{task}-{seed}-test.json"
        if os.path.exists(test):
            t = json.load(open(test))
            row["ernieTest"], row["noEntitiesTest"] = metric(task, t["ernie"]), metric(task, t["noEntities"])
        for part in ("Dev", "Test"):
            if f"ernie{part}" in row and f"noEntities{part}" in row:
                row[f"gain{part}"] = row[f"ernie{part}"] - row[f"noEntities{part}"]
        rows.append(row)
    summary = {}
    for key in ("ernieDev", "noEntitiesDev", "gainDev", "ernieTest", "noEntitiesTest", "gainTest", "ernieDeaDev"):
        values = [r[key] for r in rows if key in r]
        if values:
            summary[key] = {"mean": st.mean(values), "spread": st.pstdev(values), "seeds": len(values)}
    result["tasks"][task] = {"perSeed": rows, "summary": summary}
    for key, v in summary.items():
        print(f"{task:8s} {key:15s} {100 * v['mean']:6.2f} ± {100 * v['spread']:.2f} over {v['seeds']} seeds")
out = "tests/benchmarks/results/knowledge-gain.json"
json.dump(result, open(out, "w"), indent=2)
print("Wrote", out)
PY
