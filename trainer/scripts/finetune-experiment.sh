#!/usr/bin/env bash
# ERNIE vs --no-entities on the WordNet typing and relation tasks, MiniLM on CPU, same seeds and budget.
#   trainer/scripts/finetune-experiment.sh [SEEDS] [TRAIN_LIMIT] [EPOCHS]     (defaults: "1 2 3" 2000 1)
# Needs: ./ernie.sh trainer datasets wordnet --out target/wordnet (run first). Results: target/exp/*/metrics.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS="${1:-1 2 3}"; LIMIT="${2:-2000}"; EPOCHS="${3:-1}"
DATA=target/wordnet; EXP=target/exp
export OMP_WAIT_POLICY=PASSIVE
./ernie.sh mvn -q -pl trainer -DskipTests package
run() { java -Dernie.djl.cacheDir="$PWD/target/djl-cache" --enable-native-access=ALL-UNNAMED \
  -cp "trainer/target/classes:$(cat trainer/target/classpath.txt)" io.ernieneo4j.trainer.cli.ErnieTrainer "$@"; }
# entity vectors: all WordNet pointers, minus every fact the relation dev/test sets ask about
[ -f $EXP/wordnet-transe.tsv ] || run transe --wordnet --exclude-pairs $DATA/relation/dev.jsonl \
  --exclude-pairs $DATA/relation/test.jsonl --epochs 200 --out $EXP/wordnet-transe.tsv
for seed in $SEEDS; do
  for task in typing relation; do
    common=(--train $DATA/$task/train.jsonl --dev $DATA/$task/dev.jsonl --train-limit "$LIMIT" --epochs "$EPOCHS"
            --batch-size 32 --learning-rate 1e-4 --max-length 64 --seed "$seed" --patience 0 --unknown-entities skip)
    run finetune $task "${common[@]}" --entities $EXP/wordnet-transe.tsv --out $EXP/$task-ernie-$seed
    run finetune $task "${common[@]}" --no-entities --out $EXP/$task-bert-$seed
  done
done
python3 - "$EXP" <<'PY'
import json, glob, sys, statistics as st
for task, key in (("typing", ("micro", "f1")), ("relation", ("macroF1",))):
    for variant in ("ernie", "bert"):
        vals = []
        for f in sorted(glob.glob(f"{sys.argv[1]}/{task}-{variant}-*/metrics.json")):
            d = json.load(open(f))["dev"]
            vals.append(d[key[0]][key[1]] if len(key) == 2 else d[key[0]])
        if vals:
            print(f"{task:8s} {variant:5s} dev {'micro F1' if task == 'typing' else 'macro F1'}: "
                  f"{100 * st.mean(vals):.2f} ± {100 * (st.pstdev(vals) if len(vals) > 1 else 0):.2f} over {len(vals)} seeds")
PY
