"""Drives the gateway-overhead matrix with wrk, interleaving targets, and writes results.json and results.md.

Usage: drive.py WORKDIR OUTPUT_DIR   (DURATION seconds per run and ROUNDS from the environment)
"""
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import time

work, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
DURATION = int(os.environ.get("DURATION", "8"))
ROUNDS = int(os.environ.get("ROUNDS", "2"))
ports = json.loads((work / "ports.json").read_text())
pids = dict(line.split() for line in (work / "pids").read_text().splitlines())
TICKS = os.sysconf("SC_CLK_TCK")


def tree(pid):
    """pid and all its descendants."""
    children = {}
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(fields[1], []).append(entry.name)
            except OSError:
                pass
    found, todo = [], [str(pid)]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_seconds(pid):
    total = 0
    for member in tree(pid):
        try:
            fields = pathlib.Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except OSError:
            pass
    return total / TICKS


def rss_mb(pid):
    total = 0
    for member in tree(pid):
        try:
            for line in pathlib.Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def wrk(url, script, connections):
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{DURATION}s", "--latency", "--timeout", "10s", "-s", str(work / script), url]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=DURATION + 60)
    text = completed.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if not rate:
        print(f"wrk against {url} gave no result: {completed.stdout[-300:]} {completed.stderr[-300:]}", flush=True)
        return {"rps": 0.0, "requests": 0, "non_2xx": 0, "failed": True}
    result = {"rps": float(rate.group(1))}
    for percent, value, unit in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M):
        result[f"p{percent}_ms"] = float(value) * UNITS[unit]
    requests = re.search(r"(\d+) requests in", text)
    result["requests"] = int(requests.group(1)) if requests else 0
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    result["non_2xx"] = int(errors.group(1)) if errors else 0
    return result


# (case, connections, [(target, url, wrk script, process whose CPU is counted)])
direct_json = f"http://127.0.0.1:{ports['json']}/v1/chat/completions"
direct_sse = f"http://127.0.0.1:{ports['sse']}/v1/chat/completions"
ferry = f"http://127.0.0.1:{ports['ferry']}"
litellm = f"http://127.0.0.1:{ports['litellm']}"
has_litellm = "litellm" in pids
cases = []
for connections in (1, 16, 64):
    targets = [("nginx direct", direct_json, "chat-direct.lua", "nginx"), ("ferry", ferry + "/v1/chat/completions", "chat.lua", "ferry")]
    if has_litellm:
        targets.append(("litellm", litellm + "/v1/chat/completions", "chat.lua", "litellm"))
    cases.append(("chat", connections, targets))
stream_targets = [("nginx direct", direct_sse, "stream-direct.lua", "nginx"), ("ferry", ferry + "/v1/chat/completions", "stream.lua", "ferry")]
if has_litellm:
    stream_targets.append(("litellm", litellm + "/v1/chat/completions", "stream.lua", "litellm"))
cases.append(("stream (50 chunks)", 16, stream_targets))
cases.append(("ollama client → openai backend", 16, [
    ("ferry (OpenAI API, stream)", ferry + "/v1/chat/completions", "stream.lua", "ferry"),
    ("ferry (Ollama API)", ferry + "/api/chat", "ollama.lua", "ferry"),
]))
cases.append(("keys on (chat, whole answer)", 16, [
    ("ferry", ferry + "/v1/chat/completions", "chat.lua", "ferry"),
    ("ferry with a key (limits, usage)", f"http://127.0.0.1:{ports['keyed']}/v1/chat/completions", "chat-keyed.lua", "ferry-keys"),
]))
cases.append(("anthropic and responses clients → openai backend (stream, 50 chunks)", 16, [
    ("ferry (OpenAI API, stream)", ferry + "/v1/chat/completions", "stream.lua", "ferry"),
    ("ferry (Messages API, stream)", ferry + "/v1/messages", "messages.lua", "ferry"),
    ("ferry (Responses API, stream)", ferry + "/v1/responses", "responses.lua", "ferry"),
]))

# CASES=word: only the cases whose name contains it (say, CASES=responses while working on one row).
if os.environ.get("CASES"):
    cases = [case for case in cases if os.environ["CASES"] in case[0]]

idle = {name: rss_mb(pid) for name, pid in pids.items()}
runs = []
for round_number in range(ROUNDS):
    for case, connections, targets in cases:
        order = targets if round_number % 2 == 0 else list(reversed(targets))
        for target, url, script, process in order:
            before = cpu_seconds(pids[process])
            result = wrk(url, script, connections)
            used = cpu_seconds(pids[process]) - before
            result.update(case=case, connections=connections, target=target, round=round_number + 1,
                          cpu_us_per_request=used / max(1, result["requests"]) * 1e6)
            runs.append(result)
            print(f"round {round_number + 1} {case} c={connections} {target}: {result['rps']:.0f} req/s, "
                  f"p50 {result.get('p50_ms', 0):.3f} ms, p99 {result.get('p99_ms', 0):.3f} ms, "
                  f"{result['cpu_us_per_request']:.0f} µs CPU/request, non-2xx {result['non_2xx']}", flush=True)
after = {name: rss_mb(pid) for name, pid in pids.items()}

# Medians over rounds; added latency against the direct run of the same case and concurrency.
summary = []
for case, connections, targets in cases:
    baseline = None
    for target, *_ in targets:
        mine = [run for run in runs if run["case"] == case and run["connections"] == connections and run["target"] == target]
        row = {"case": case, "connections": connections, "target": target}
        for key in ("rps", "p50_ms", "p90_ms", "p99_ms", "cpu_us_per_request"):
            values = [run[key] for run in mine if key in run]
            row[key] = statistics.median(values) if values else None
        row["non_2xx"] = sum(run["non_2xx"] for run in mine)
        if target == "nginx direct" or (baseline is None and case.startswith(("ollama", "anthropic", "keys"))):
            baseline = row
        else:
            row["added_p50_ms"] = row["p50_ms"] - baseline["p50_ms"] if row["p50_ms"] is not None and baseline["p50_ms"] is not None else None
            row["added_p99_ms"] = row["p99_ms"] - baseline["p99_ms"] if row["p99_ms"] is not None and baseline["p99_ms"] is not None else None
        summary.append(row)

report = {"duration_s": DURATION, "rounds": ROUNDS, "cpus": os.cpu_count(), "rss_idle_mb": idle, "rss_after_load_mb": after,
          "runs": runs, "summary": summary}
out.mkdir(parents=True, exist_ok=True)
(out / "results.json").write_text(json.dumps(report, indent=2))

def fmt(value, digits=2):
    return "—" if value is None else f"{value:,.{digits}f}"

lines = [f"Gateway overhead — {ROUNDS} rounds × {DURATION} s per run, targets interleaved, medians over rounds; "
         f"{os.cpu_count()} CPUs shared by wrk, the upstream and the gateway.", "",
         "| case | c | target | req/s | p50 ms | p90 ms | p99 ms | added p50 ms | added p99 ms | CPU µs/request | non-2xx |",
         "|---|---|---|---|---|---|---|---|---|---|---|"]
for row in summary:
    lines.append(f"| {row['case']} | {row['connections']} | {row['target']} | {fmt(row['rps'], 0)} | {fmt(row['p50_ms'], 3)} | "
                 f"{fmt(row['p90_ms'], 3)} | {fmt(row['p99_ms'], 3)} | {fmt(row.get('added_p50_ms'), 3)} | {fmt(row.get('added_p99_ms'), 3)} | "
                 f"{fmt(row['cpu_us_per_request'], 0)} | {row['non_2xx']} |")
lines += ["", "| process | resident MB idle | resident MB after load |", "|---|---|---|"]
for name in pids:
    lines.append(f"| {name} | {fmt(idle[name], 1)} | {fmt(after[name], 1)} |")
(out / "results.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
