#!/usr/bin/env bash
# Gateway overhead: Ferry (release) and LiteLLM's proxy in front of a mock upstream (nginx answering a canned 600-byte
# chat completion, or a canned 50-chunk SSE stream, instantly), against the upstream directly — same load, same run,
# targets interleaved, three rounds (medians: the host's speed moves within a run). Writes results.json and results.md to OUTPUT_DIR (default: Benchmarks/gateway-overhead/out).
#
# Usage: Benchmarks/gateway-overhead/run.sh [OUTPUT_DIR]
#   DURATION=8 ROUNDS=3 SKIP_LITELLM=1 LITELLM_VENV=DIR FERRY_BIN=PATH CASES=WORD … to change the runs (CASES: only
#   the cases whose name contains WORD). Installs nginx-light, wrk and libcurl4-openssl-dev (apt-get), LiteLLM's proxy
#   (pip, into .venv-litellm), builds Ferry in release mode; starts everything on 127.0.0.1 and stops it all at exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
out="${1:-Benchmarks/gateway-overhead/out}"
mkdir -p "$out"
export DURATION="${DURATION:-8}" ROUNDS="${ROUNDS:-3}"
LITELLM_VERSION="1.106.2"
venv="${LITELLM_VENV:-.venv-litellm}"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need wrk; then
    echo "== installing nginx-light and wrk"
    ${SUDO:-$(need sudo && echo sudo)} apt-get install -y -q nginx-light wrk >/dev/null
fi
# A static Swift runtime links FoundationNetworking (the MCP client's URLSession) into Ferry: it needs libcurl's
# development files.
if [ -z "${FERRY_BIN:-}" ] && [ ! -e /usr/lib/x86_64-linux-gnu/libcurl.so ] && [ ! -e /usr/lib/aarch64-linux-gnu/libcurl.so ]; then
    echo "== installing libcurl4-openssl-dev (for the static Swift runtime)"
    ${SUDO:-$(need sudo && echo sudo)} apt-get install -y -q --no-install-recommends libcurl4-openssl-dev >/dev/null
fi
if [ -z "${SKIP_LITELLM:-}" ] && [ ! -x "$venv/bin/litellm" ]; then
    echo "== installing LiteLLM's proxy $LITELLM_VERSION into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "litellm[proxy]==$LITELLM_VERSION"
fi
if [ -n "${FERRY_BIN:-}" ]; then
    ferry="$FERRY_BIN"          # a Ferry built elsewhere (say, a debug build for a smoke run)
else
    # As it would be deployed: the Swift runtime and Foundation linked in statically (--static-swift-stdlib), which
    # costs 15-20 % less CPU per request and 2 MB less memory than the shared libraries (docs/performance-history.md).
    echo "== building Ferry (release, static Swift runtime)"
    swift build -c release --product ferry --static-swift-stdlib >/dev/null
    ferry="$(swift build -c release --static-swift-stdlib --show-bin-path)/ferry"
fi

source Benchmarks/gateway-overhead/common.sh

json_port=$(free_port); sse_port=$(free_port); ferry_port=$(free_port); litellm_port=$(free_port); keyed_port=$(free_port)
python3 Benchmarks/gateway-overhead/make_fixtures.py "$work" "$json_port" "$sse_port" "$ferry_port" "$litellm_port"
# A second Ferry with keys on: one key made with `ferry keys`, with limits (high enough never to refuse) so that
# every request is authenticated, admitted under its rpm/tpm/parallel windows and its usage counted.
sed "s/port: $ferry_port/port: $keyed_port/" "$work/ferry.yaml" >"$work/ferry-keys.yaml"
secret=$(FERRY_DATA_DIR="$work/keys-data" "$ferry" keys create --config "$work/ferry-keys.yaml" --name bench --rpm 1000000000 --tpm 1000000000000 --max-parallel 100000 --json \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])')
sed "s/Bearer [^\"]*/Bearer $secret/" "$work/chat.lua" >"$work/chat-keyed.lua"
python3 -c 'import json, sys; p = sys.argv[1]; ports = json.load(open(p)); ports["keyed"] = int(sys.argv[2]); json.dump(ports, open(p, "w"))' "$work/ports.json" "$keyed_port"

echo "== starting nginx (the mock upstream), Ferry and LiteLLM on 127.0.0.1"
nginx -c "$work/nginx.conf" -p "$work" &
pids+=($!)
wait_for "http://127.0.0.1:$json_port/health"
FERRY_DATA_DIR="$work/data" "$ferry" serve --config "$work/ferry.yaml" --log-level error >"$work/ferry.out" 2>&1 &
pids+=($!)
echo "ferry $!" >"$work/pids"
wait_for "http://127.0.0.1:$ferry_port/health"
FERRY_DATA_DIR="$work/keys-data" "$ferry" serve --config "$work/ferry-keys.yaml" --log-level error >"$work/ferry-keys.out" 2>&1 &
pids+=($!)
echo "ferry-keys $!" >>"$work/pids"
wait_for "http://127.0.0.1:$keyed_port/health"
if [ -z "${SKIP_LITELLM:-}" ]; then
    LITELLM_LOG=ERROR "$venv/bin/litellm" --config "$work/litellm.yaml" --host 127.0.0.1 --port "$litellm_port" --num_workers 2 >"$work/litellm.out" 2>&1 &
    pids+=($!)
    echo "litellm $!" >>"$work/pids"
    for _ in $(seq 600); do curl -s -o /dev/null "http://127.0.0.1:$litellm_port/health/liveliness" && break; sleep 0.2; done
fi
echo "nginx $(cat "$work/nginx.pid")" >>"$work/pids"

python3 Benchmarks/gateway-overhead/drive.py "$work" "$out"
