#!/usr/bin/env bash
# The response cache's hit latency through HTTP, next to the backend's miss latency, in one run on this machine:
# for each store (memory, SQLite, and PostgreSQL when FERRY_TEST_POSTGRES_URL names one), `ferry serve` with
# `cache.store` set and a route that caches every answer, in front of FerrySim playing vLLM (200 ms to the first
# token, 50 tokens/s, 32-token answers); `ferry bench` then asks one and the same question (streamed, OpenAI
# dialect) at concurrency 1 and 16 — after the warm-up every answer is a hit. The miss row asks FerrySim the same
# way with the cache bypassed.
# Usage: Benchmarks/cache/run.sh [OUT_DIR]     (REQUESTS=2000 MISSES=20)
# Not part of CI: it needs a release build and a few minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
requests="${REQUESTS:-2000}"
misses="${MISSES:-20}"

echo "== release build"
swift build -c release --product ferry >/dev/null
ferry="$(swift build -c release --show-bin-path)/ferry"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT

sim_port="$(free_port)"
"$ferry" sim --dialect vllm --model demo --host 127.0.0.1 --port "$sim_port" --ttft 200ms --tokens-per-second 50 --log-level warning >"$out/sim.log" 2>&1 &
pids+=($!)
echo '{"prompt": "What is the capital of France? Answer in one sentence.", "max_tokens": 32}' >"$out/question.jsonl"

wait_for() { for _ in $(seq 100); do curl -sf "$1/health" >/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }
wait_for "http://127.0.0.1:$sim_port"

bench() { # NAME URL LEVELS COUNT MODEL
    "$ferry" bench --target "$1=$2,model=$5" --dataset "$out/question.jsonl" --concurrency "$3" --num-requests "$4" \
        --warmup 4 --rounds 1 --json "$out/$1.json" >"$out/$1.txt"
}

stores=(memory sqlite)
[ -n "${FERRY_TEST_POSTGRES_URL:-}" ] && stores+=(postgres)
for store in "${stores[@]}"; do
    port="$(free_port)"
    mkdir -p "$out/$store"
    cat >"$out/$store/ferry.yaml" <<YAML
backends:
  sim:
    provider: vllm
    url: http://127.0.0.1:$sim_port/v1
    model: demo
routes:
  default:
    backends: [sim]
cache:
  store: $store
  cache_all: true
  postgres:
    url: ${FERRY_TEST_POSTGRES_URL:-postgres://unused@127.0.0.1/unused}
YAML
    FERRY_DATA_DIR="$out/$store/data" "$ferry" serve --config "$out/$store/ferry.yaml" --host 127.0.0.1 --port "$port" --log-level warning >"$out/$store/serve.log" 2>&1 &
    pids+=($!)
    wait_for "http://127.0.0.1:$port"
    echo "== $store store: hits at c=1 and c=16"
    bench "hit-$store" "http://127.0.0.1:$port" 1,16 "$requests" default
    if [ "$store" = memory ]; then
        echo "== misses: the backend itself at c=1 (FerrySim, as every miss reaches it)"
        bench miss "http://127.0.0.1:$sim_port" 1 "$misses" demo
    fi
done

python3 - "$out" "${stores[@]}" <<'PY'
import json, sys
out, stores = sys.argv[1], sys.argv[2:]
print("\n| store | concurrency | requests | p50 ms | p99 ms | answers/s |")
print("|---|---|---|---|---|---|")
for name in [f"hit-{s}" for s in stores] + ["miss"]:
    report = json.load(open(f"{out}/{name}.json"))
    for result in report["results"]:
        e2el = result["e2el_ms"]
        label = name.replace("hit-", "") if name != "miss" else "miss (FerrySim)"
        print(f"| {label} | {result['level'].get('concurrency')} | {result['completed']} | {e2el['p50']:.3f} | {e2el['p99']:.3f} | {result['request_throughput']:.0f} |")
PY
echo "results in $out"
