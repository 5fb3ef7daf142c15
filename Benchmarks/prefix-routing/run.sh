#!/usr/bin/env bash
# Prefix-aware routing measured — simulated timing (FerrySim's prefill and decode clocks, not a GPU's): four
# `ferry sim --prefix-cache` replicas behind one route, conversations that share long system prompts and grow turn by
# turn, under round-robin, least-outstanding, prefix-affinity without a load bound, and prefix-affinity with one.
# Writes results.json, results.md and results.svg to OUTPUT_DIR (default: Benchmarks/prefix-routing/out).
#
# Usage: Benchmarks/prefix-routing/run.sh [OUTPUT_DIR]   (FERRY_BIN=PATH to use a Ferry built elsewhere;
#        CONVERSATIONS, TURNS, WORKERS, SEED from the environment)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-Benchmarks/prefix-routing/out}"
if [ -z "${FERRY_BIN:-}" ]; then
    echo "== building Ferry (release)"
    swift build -c release --product ferry >/dev/null
    FERRY_BIN="$(swift build -c release --show-bin-path)/ferry"
fi
FERRY_BIN="$FERRY_BIN" python3 Benchmarks/prefix-routing/drive.py "$out"
