#!/usr/bin/env bash
# The chaos run: three FerrySim backends of different dialects (vLLM, Ollama, Anthropic) behind one `ferry serve`,
# thousands of requests — chat whole and streamed through the OpenAI and Ollama APIs, embeddings — at mixed
# concurrency while about a third of the backends' requests meet injected faults and the vLLM backend is killed and
# restarted mid-run. Every request must end within its deadline in a complete answer or a clear error in the
# client's dialect; file descriptors, connections and memory must come back to their baseline. Prints a table; exits
# non-zero on any violation.
#
# Usage: Benchmarks/chaos/run.sh [REQUESTS]   (default 10000; .ci/run runs a short form; FERRY_BIN=PATH to use a
#        Ferry built elsewhere, else a release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${FERRY_BIN:-}" ]; then
    echo "== building Ferry (release)"
    swift build -c release --product ferry >/dev/null
    FERRY_BIN="$(swift build -c release --show-bin-path)/ferry"
fi
FERRY_BIN="$FERRY_BIN" exec python3 Benchmarks/chaos/chaos.py "${1:-10000}"
