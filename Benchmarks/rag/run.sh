#!/usr/bin/env bash
# The document store's speed and quality, on this machine, in one run:
#   1. `ferry bench-rag` (release build): ingest throughput without embedding (passages/s through read, chunk, index,
#      write), the embedded e5 model's embeddings/s, and search latency p50/p95 for lexical, vector and hybrid at
#      10k and 100k passages (synthetic Zipf text, synthetic clustered 384-dimension vectors), in-process and
#      through `POST /api/search` on loopback, with resident memory;
#   2. `ferry evaluate --xquad` on ../shared/data/xquad (or XQUAD_DIR): recall@1, recall@5, MRR@10 for en→en,
#      ar→ar and ar→en with the embedded model.
# Usage: Benchmarks/rag/run.sh [OUT_DIR]     (SIZES=10000,100000 QUERIES=300; SKIP_EVALUATION=1)
# Not part of CI: a release build takes ~10 minutes and the runs a few more.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
sizes="${SIZES:-10000,100000}"
queries="${QUERIES:-300}"
xquad="${XQUAD_DIR:-../shared/data/xquad}"

echo "== release build"
swift build -c release --product ferry >/dev/null
ferry="$(swift build -c release --show-bin-path)/ferry"

echo "== ferry bench-rag --chunks $sizes --queries $queries"
"$ferry" bench-rag --chunks "$sizes" --queries "$queries" | tee "$out/bench-rag.md"

if [ -z "${SKIP_EVALUATION:-}" ] && [ -d "$xquad" ]; then
    echo "== ferry evaluate --xquad $xquad"
    FERRY_DATA_DIR="$out/data" "$ferry" evaluate --xquad "$xquad" | tee "$out/evaluate.md"
fi
echo "results in $out"
