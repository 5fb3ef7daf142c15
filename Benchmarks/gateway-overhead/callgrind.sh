#!/usr/bin/env bash
# Instructions per answer — repeatable where wall time is not (the host's load moves wall-clock results by ±30 %
# between minutes; an instruction count of one binary moves by ±0.5 %). Each Ferry binary runs under valgrind's
# callgrind in front of the same nginx mock as run.sh; per case, a warm-up, counters zeroed, wrk -c4 for DURATION
# seconds, then the instructions since the zero divided by the answers wrk got. Cases: chat (OpenAI client, whole
# answer), stream (50-chunk SSE stream), ollama (Ollama client, whole answer read from the 50-chunk stream).
#
# Usage: Benchmarks/gateway-overhead/callgrind.sh FERRY_BIN [FERRY_BIN …]   (release builds; DURATION=10 WARMUP=4)
# Prints a table: binary, case, answers, instructions per answer. Needs valgrind, nginx and wrk (apt-get).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-4}"
[ $# -ge 1 ] || { echo "usage: $0 FERRY_BIN [FERRY_BIN …]" >&2; exit 2; }
for tool in valgrind callgrind_control nginx wrk objcopy; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install valgrind nginx-light wrk binutils" >&2; exit 1; }
done

# valgrind starts Ferry about 50 times slower: wait up to 60 s.
WAIT_TRIES=600
source Benchmarks/gateway-overhead/common.sh

json_port=$(free_port); sse_port=$(free_port)
nginx_started=false
printf '%-40s %-8s %8s %14s\n' binary case answers "Ir/answer"
for binary in "$@"; do
    ferry_port=$(free_port)
    python3 Benchmarks/gateway-overhead/make_fixtures.py "$work" "$json_port" "$sse_port" "$ferry_port" "$(free_port)"
    if ! $nginx_started; then
        nginx -c "$work/nginx.conf" -p "$work" &
        pids+=($!)
        nginx_started=true
        wait_for "http://127.0.0.1:$json_port/health"
    fi
    # valgrind 3.19 cannot read the DWARF of Swift 6 binaries: count on a copy without it.
    stripped="$work/ferry-$(date +%s%N)"
    objcopy --strip-debug "$binary" "$stripped"
    valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.%p" "$stripped" serve --config "$work/ferry.yaml" --log-level error >"$work/ferry.log" 2>&1 &
    ferry=$!
    pids+=($ferry)
    wait_for "http://127.0.0.1:$ferry_port/health"
    for case in chat stream ollama; do
        path=/v1/chat/completions
        [ "$case" = ollama ] && path=/api/chat
        url="http://127.0.0.1:$ferry_port$path"
        wrk -t1 -c4 -d"${WARMUP}s" -s "$work/$case.lua" "$url" >/dev/null
        callgrind_control --zero "$ferry" >/dev/null 2>&1
        answers=$(wrk -t1 -c4 -d"${DURATION}s" -s "$work/$case.lua" "$url" | awk '/requests in/ {print $1}')
        callgrind_control --dump="$case" "$ferry" >/dev/null 2>&1
        dump=$(ls -t "$work"/callgrind.$ferry.* | head -1)
        total=$(awk '/^(summary|totals):/ {print $2; exit}' "$dump")
        printf '%-40s %-8s %8s %14.0f\n' "$(basename "$(dirname "$binary")")/$(basename "$binary")" "$case" "$answers" "$(echo "$total / $answers" | bc -l)"
        rm -f "$dump"
    done
    kill "$ferry"
    wait "$ferry" 2>/dev/null || true
done
