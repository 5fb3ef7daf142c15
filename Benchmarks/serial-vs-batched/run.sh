#!/usr/bin/env bash
# The claim that makes teams move from Ollama to vLLM — comparable with one user, several times faster with ten —
# reproduced on FerrySim (simulated timing, no GPU): a `serial` backend that generates one request at a time
# (like a single-slot Ollama) against a `batched` one that generates up to 16 at once (like vLLM's continuous
# batching), same time to first token and per-request speed, at 1 and 10 concurrent users.
#
# Usage: Benchmarks/serial-vs-batched/run.sh [OUTPUT_DIR]   (default: docs/)
# Writes OUTPUT_DIR/bench-serial-vs-batched.{json,svg} and prints the table. Everything it starts, it stops.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-docs}"
swift build --product ferry >/dev/null
ferry="$(swift build --show-bin-path)/ferry"
work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Starts `ferry sim` on a free port (in this shell, so cleanup knows its pid) and sets `url` to its URL.
start_sim() {
    local name="$1"; shift
    "$ferry" sim --host 127.0.0.1 --port 0 --ttft 150ms --tokens-per-second 40 --log-level warning "$@" >"$work/$name.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        url="$(grep -o 'http://[^ ]*' "$work/$name.out" | head -1 || true)"
        if [ -n "$url" ]; then return; fi
        sleep 0.1
    done
    echo "ferry sim ($name) did not start: $(cat "$work/$name.out")" >&2
    exit 1
}

start_sim serial --dialect ollama --model llama3.2 --mode serial
serial="$url"
start_sim batched --dialect vllm --model meta-llama/Llama-3.2-3B-Instruct --mode batched --max-concurrency 16
batched="$url"

timeout 900 "$ferry" bench \
    --target "serial (Ollama-like)=$serial,dialect=ollama" \
    --target "batched (vLLM-like)=$batched" \
    --concurrency 1,10 --num-requests 40 --warmup 2 --rounds 2 \
    --input-tokens 200 --output-tokens 32 --slo ttft=1s \
    --json "$out/bench-serial-vs-batched.json" --chart "$out/bench-serial-vs-batched.svg"
