#!/usr/bin/env bash
# The Dockerfile's steps on this machine, without a Docker engine: the build stage's commands (in this checkout,
# whose Package.swift, Sources and Tests are what the stage copies; Tests/Conformance/test_deploy.py checks the COPY sources
# exist), then what the runtime stage relies on — a binary with the Swift runtime linked in (no libswift*.so
# needed), that a non-root user can run, serving /ready.
#
# Usage: deploy/build-steps.sh   (a release build: minutes the first time)
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
serving="" sim=""
trap 'for pid in $serving $sim; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"' EXIT

echo "== build stage: swift package resolve, swift build -c release --product ferry --static-swift-stdlib"
swift package resolve >/dev/null
swift build -c release --product ferry --static-swift-stdlib 2>&1 | tail -1
install -D "$(swift build -c release --static-swift-stdlib --show-bin-path)/ferry" "$work/out/ferry"

echo "== runtime stage: no Swift runtime libraries needed"
if ldd "$work/out/ferry" | grep -q "libswift"; then echo "the binary needs the Swift runtime: $(ldd "$work/out/ferry" | grep libswift)"; exit 1; fi
# Each library it loads is in the runtime stage's packages (or the base image's C and C++ runtime). libcurl comes with
# FoundationNetworking (the MCP client's URLSession), with the libraries it loads: the curl package installs them.
curl_libraries=" $(ldd "$(ldconfig -p | awk '/libcurl\.so\.4 /{print $NF; exit}')" 2>/dev/null | awk '{print $1}' | tr '\n' ' ') "
for library in $(ldd "$work/out/ferry" | awk '{print $1}'); do
    if [[ "$library" == libcurl.so* || "$curl_libraries" == *" $library "* ]] && [[ "$library" != libc.so* && "$library" != libz.so* ]]; then
        package=curl
        if ! grep -q " $package" deploy/Dockerfile; then echo "  $library: the Dockerfile does not install $package"; exit 1; fi
        echo "  $library ← $package"
        continue
    fi
    case "$library" in
        linux-vdso*|libc.so*|libm.so*|*ld-linux*|libgcc_s*|libpthread*|libdl*|librt*) package="(base image)" ;;
        libsqlite3*) package=libsqlite3-0 ;; libxml2*) package=libxml2 ;; libz.so*) package=zlib1g ;;
        libicu*) package=libicu74 ;; liblzma*) package=liblzma5 ;; libstdc++*) package=libstdc++6 ;;
        *) echo "  $library: no package in the Dockerfile provides it"; exit 1 ;;
    esac
    if [ "$package" != "(base image)" ] && ! grep -q " $package" deploy/Dockerfile; then echo "  $library: the Dockerfile does not install $package"; exit 1; fi
    echo "  $library ← $package"
done
strip -o "$work/out/ferry.stripped" "$work/out/ferry"
echo "  $(du -h "$work/out/ferry" | cut -f1) binary, $(du -h "$work/out/ferry.stripped" | cut -f1) stripped (as the image has it)"

echo "== as uid 10001 (the image's user): ferry serve answers /ready"
chmod 755 "$work" "$work/out"
mkdir -p "$work/data" && chown 10001:10001 "$work/data"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sim_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$work/out/ferry" sim --dialect vllm --host 127.0.0.1 --port "$sim_port" --model demo >/dev/null 2>&1 &
sim=$!
printf 'backends:\n  sim: {provider: vllm, url: "http://127.0.0.1:%s/v1", model: demo}\nroutes:\n  default: {backends: [sim]}\n' "$sim_port" >"$work/ferry.yaml"
chmod 644 "$work/ferry.yaml"
setpriv --reuid=10001 --regid=10001 --clear-groups env FERRY_DATA_DIR="$work/data" XDG_CACHE_HOME="$work/data/cache" \
    "$work/out/ferry" serve --config "$work/ferry.yaml" --host 127.0.0.1 --port "$port" --log-level error >/dev/null 2>&1 &
serving=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$port/ready" && echo
echo "  served by uid $(ps -o uid= -p "$serving" | tr -d ' ')"
