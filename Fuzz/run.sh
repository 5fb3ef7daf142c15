#!/usr/bin/env bash
# Fuzzes Ferry's parsers with libFuzzer: builds Fuzz/ with the fuzzer and address sanitizers, then runs each target
# (or those named) for SECONDS, starting from its seed corpus (Fuzz/Corpus/<target>) and the inputs kept as
# regressions (Fuzz/Regressions/<target>); new inputs go to a work folder, never into the repository.
#   bash Fuzz/run.sh [SECONDS] [TARGET…]        # 60 s each by default; CI runs it for 20 s each
# Prints a table (executions, executions per second, new inputs); on a property broken or a crash, prints the input
# and how to keep it as a regression test, and exits 1.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(sse ndjson json-array json-scanner readers streams)
work="${FERRY_FUZZ_WORK:-$(mktemp -d)}"
# The Swift runtime's backtracer would race the address sanitizer's report of the same crash.
export SWIFT_BACKTRACE=enable=no
mkdir -p "$work"

echo "== building the fuzz targets (debug, -sanitize=fuzzer,address)"
swift build -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library 2>&1 \
    | grep -v -e "Cannot export local symbol" -e "^\[" || true
binary="$(swift build -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --show-bin-path)/ferry-fuzz"
[ -x "$binary" ] || { echo "the fuzz build failed: no $binary" >&2; exit 1; }

failed=0
printf '\n%-14s %10s %10s %6s  %s\n' target executions "exec/s" new result
for target in "${targets[@]}"; do
    mkdir -p "$work/$target" Regressions/"$target"
    log="$work/$target.log"
    status=0
    "$binary" "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/$target-" "$work/$target" "Corpus/$target" "Regressions/$target" >"$log" 2>&1 || status=$?
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
    added="$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1)"
    if [ "$status" = 0 ]; then
        printf '%-14s %10s %10s %6s  %s\n' "$target" "${runs:-?}" "${rate:-?}" "${added:-?}" ok
    else
        failed=1
        printf '%-14s %10s %10s %6s  %s\n' "$target" "${runs:-?}" "${rate:-?}" "${added:-?}" "FAILED (exit $status)"
        grep -E "ferry-fuzz:|ERROR: AddressSanitizer|Fatal error|SUMMARY" "$log" | head -5 | sed 's/^/    /'
        for input in "$work/$target"-crash-* "$work/$target"-timeout-* "$work/$target"-oom-*; do
            [ -e "$input" ] || continue
            echo "    input: $input — keep it: cp '$input' Fuzz/Regressions/$target/<what-it-shows>, fix, and swift test"
        done
        echo "    log: $log"
    fi
done
exit "$failed"
