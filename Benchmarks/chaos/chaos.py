"""The chaos run's driver (see run.sh). Usage: chaos.py REQUESTS   (FERRY_BIN from the environment)."""
import collections
import concurrent.futures
import http.client
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "common"))
from processes import start, stop  # noqa: E402
import time

FERRY = os.environ["FERRY_BIN"]
REQUESTS = int(sys.argv[1])
DEADLINE = 20.0          # the client's wait for a whole answer or a stream's end: beyond it a request has hung
# About a third of the backends' requests meet a fault.
FAULTS = ["503@0.12", "500@0.08", "429:1s@0.08", "refuse@0.08", "hang@0.03", "slow-first:1s@0.03", "drop:4@0.08", "malformed@0.05"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sim(dialect, model, port):
    args = [FERRY, "sim", "--dialect", dialect, "--host", "127.0.0.1", "--port", str(port), "--model", model,
            "--ttft", "5ms", "--tokens-per-second", "400", "--log-level", "error"]
    for fault in FAULTS:
        args += ["--fault", fault]
    return start(args)[0]


def fds(pid):
    """The process's open file descriptors, and how many are sockets (one may close while they are read)."""
    targets = []
    for entry in pathlib.Path(f"/proc/{pid}/fd").iterdir():
        try:
            targets.append(os.readlink(entry))
        except OSError:
            continue
    return len(targets), sum(1 for target in targets if target.startswith("socket:"))


def rss_mb(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


CHAT = [{"role": "user", "content": "Tell me about ferries in a few words."}]
KINDS = [("openai whole", "/v1/chat/completions", {"model": "chaos", "messages": CHAT, "max_tokens": 24}),
         ("openai stream", "/v1/chat/completions", {"model": "chaos", "messages": CHAT, "max_tokens": 24, "stream": True}),
         ("ollama whole", "/api/chat", {"model": "chaos", "messages": CHAT, "stream": False, "options": {"num_predict": 24}}),
         ("ollama stream", "/api/chat", {"model": "chaos", "messages": CHAT, "options": {"num_predict": 24}}),
         ("embeddings", "/v1/embeddings", {"model": "embed", "input": ["ferries", "harbours"]})]


def judge(kind, status, content_type, body):
    """'answer', an error kind, or a violation (a string starting with 'VIOLATION')."""
    text = body.decode("utf-8", errors="replace")
    if status >= 400:
        try:
            error = json.loads(text)
        except ValueError:
            return f"VIOLATION {kind}: HTTP {status} without a JSON body"
        ok = ("error" in error and (isinstance(error["error"], str) if kind.startswith("ollama") else isinstance(error["error"], dict)))
        return f"error {status}" if ok else f"VIOLATION {kind}: HTTP {status} not in the API's error shape: {text[:200]}"
    if kind in ("openai whole",):
        answer = json.loads(text)
        return "answer" if answer["choices"][0]["message"]["content"] is not None else f"VIOLATION {kind}: empty answer"
    if kind == "embeddings":
        answer = json.loads(text)
        return "answer" if len(answer["data"]) == 2 else f"VIOLATION {kind}: {len(answer['data'])} vectors"
    if kind == "ollama whole":
        answer = json.loads(text)
        return "answer" if answer.get("done") else f"VIOLATION {kind}: not done"
    if kind == "openai stream":
        events = [line[6:] for line in text.split("\n") if line.startswith("data: ")]
        # A stream that failed after its first event ends with the error, in-band (OpenAI's shape, no [DONE]).
        if events and events[-1] != "[DONE]":
            last = json.loads(events[-1])
            if isinstance(last.get("error"), dict) and last["error"].get("message"):
                return "stream error in-band"
            return f"VIOLATION {kind}: the stream ended without [DONE] or an error"
        if not events:
            return f"VIOLATION {kind}: an empty stream"
        chunks = [json.loads(event) for event in events[:-1]]
        finishes = [choice["finish_reason"] for chunk in chunks for choice in chunk.get("choices", []) if choice.get("finish_reason")]
        roles = [choice["delta"]["role"] for chunk in chunks for choice in chunk.get("choices", []) if choice.get("delta", {}).get("role")]
        if len(finishes) != 1 or len(roles) > 1 or len({chunk["id"] for chunk in chunks}) != 1:
            return f"VIOLATION {kind}: {len(roles)} starts, {len(finishes)} ends, {len({chunk['id'] for chunk in chunks})} ids — two answers mixed?"
        return "answer"
    if kind == "ollama stream":
        lines = [json.loads(line) for line in text.split("\n") if line.strip()]
        if lines and "error" in lines[-1]:
            return "stream error in-band"
        if not lines or not lines[-1].get("done") or sum(1 for line in lines if line.get("done")) != 1:
            return f"VIOLATION {kind}: the stream did not end with one done line"
        return "answer"
    return f"VIOLATION {kind}: unknown"


def request(port, kind, path, body):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
    begun = time.monotonic()
    try:
        connection.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        data = response.read()
        elapsed = time.monotonic() - begun
        if elapsed > DEADLINE:
            return f"VIOLATION {kind}: answered after {elapsed:.1f} s", elapsed
        return judge(kind, response.status, response.getheader("content-type", ""), data), elapsed
    except socket.timeout:
        return f"VIOLATION {kind}: hung (no answer within {DEADLINE:.0f} s)", time.monotonic() - begun
    except (ConnectionError, http.client.HTTPException) as error:
        return f"VIOLATION {kind}: the connection failed: {error!r}", time.monotonic() - begun
    finally:
        connection.close()


def main():
    work = pathlib.Path(tempfile.mkdtemp(prefix="ferry-chaos-"))
    ports = {"vllm": free_port(), "ollama": free_port(), "claude": free_port()}
    sims = {"vllm": sim("vllm", "demo", ports["vllm"]), "ollama": sim("ollama", "demo", ports["ollama"]),
            "claude": sim("anthropic", "demo", ports["claude"])}
    time.sleep(0.5)
    config = work / "ferry.yaml"
    config.write_text(
        "backends:\n"
        f"  vllm: {{provider: vllm, url: \"http://127.0.0.1:{ports['vllm']}/v1\", model: demo}}\n"
        f"  ollama: {{provider: ollama, url: \"http://127.0.0.1:{ports['ollama']}\", model: demo}}\n"
        f"  claude: {{provider: anthropic, url: \"http://127.0.0.1:{ports['claude']}\", model: demo}}\n"
        "routes:\n"
        "  chaos: {backends: [vllm, ollama, claude], strategy: round-robin, retry: {attempts: 4, base_delay: 20ms, max_delay: 200ms},"
        " timeouts: {first_event: 2s, idle: 2s, total: 8s}}\n"
        "  embed: {backends: [vllm, ollama], strategy: round-robin, retry: {attempts: 4, base_delay: 20ms, max_delay: 200ms}, timeouts: {total: 5s}}\n"
        "circuit: {threshold: 5, cooldown: 1s}\nhealth: {interval: 1s}\nhttp: {connect_timeout: 1s, idle_timeout: 2s}\n"
    )
    ferry, url = start([FERRY, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "critical"])
    port = int(url.rsplit(":", 1)[1])
    pid = ferry.pid
    outcomes = collections.Counter()
    violations = []
    samples = []
    lock = threading.Lock()

    def one(index):
        kind, path, body = KINDS[index % len(KINDS)]
        outcome, elapsed = request(port, kind, path, body)
        with lock:
            outcomes[(kind, outcome if not outcome.startswith("VIOLATION") else "VIOLATION")] += 1
            if outcome.startswith("VIOLATION"):
                violations.append(outcome)

    # Warm up at every concurrency of the run (pools, buffers, the allocator's arenas), then the baseline, once the
    # connections to the backends have been idle past http.idle_timeout.
    for clients in (4, 32, 96):
        with concurrent.futures.ThreadPoolExecutor(clients) as pool:
            list(pool.map(one, range(clients * 4)))
    outcomes.clear()
    violations.clear()
    time.sleep(4)
    base_fds, base_sockets = fds(pid)
    base_rss = rss_mb(pid)
    begun = time.monotonic()
    killed = {"at": REQUESTS * 2 // 5, "done": False}
    done = {"count": 0}

    def killer():
        # The vLLM backend dies without warning, then comes back on the same port.
        while done["count"] < killed["at"]:
            time.sleep(0.05)
        os.killpg(sims["vllm"].pid, signal.SIGKILL)
        sims["vllm"].wait()
        time.sleep(2)
        sims["vllm"] = sim("vllm", "demo", ports["vllm"])
        killed["done"] = True

    def sampler():
        while done["count"] < REQUESTS:
            samples.append(fds(pid) + (rss_mb(pid),))
            time.sleep(0.5)

    threading.Thread(target=killer, daemon=True).start()
    threading.Thread(target=sampler, daemon=True).start()

    def counted(index):
        one(index)
        with lock:
            done["count"] += 1

    # Mixed concurrency: waves of 4, 32 and 96 clients.
    index = 0
    for wave, clients in enumerate([4, 32, 96] * 100):
        if index >= REQUESTS:
            break
        size = min(REQUESTS - index, clients * 10)
        with concurrent.futures.ThreadPoolExecutor(clients) as pool:
            list(pool.map(counted, range(index, index + size)))
        index += size
    elapsed = time.monotonic() - begun
    time.sleep(6)  # connections to the backends idle past http.idle_timeout close; finished streams let go
    end_fds, end_sockets = fds(pid)
    end_rss = rss_mb(pid)
    peak_fds = max(sample[0] for sample in samples) if samples else end_fds
    metrics = subprocess.run(["curl", "-s", f"http://127.0.0.1:{port}/metrics"], capture_output=True, text=True).stdout
    errors_by_kind = collections.Counter()
    for line in metrics.splitlines():
        match = re.match(r'ferry_errors_total\{.*kind="([a-zA-Z]+)".*\} ([0-9.e+]+)', line)
        if match:
            errors_by_kind[match.group(1)] += float(match.group(2))
    stats = {name: json.loads(subprocess.run(["curl", "-s", f"http://127.0.0.1:{ports[name]}/_sim/stats"], capture_output=True, text=True).stdout or "{}").get("stats", {}) for name in ports}
    inference = sum(stat.get("inferenceRequests", 0) for stat in stats.values())
    faulted = sum(stat.get("faultedRequests", 0) for stat in stats.values())
    status = stop(ferry)
    for process in sims.values():
        stop(process)

    # The report.
    total = sum(outcomes.values())
    print(f"Chaos run: {total} requests in {elapsed:.0f} s ({total / elapsed:.0f}/s), waves of 4, 32 and 96 clients; faults on every backend: {' '.join(FAULTS)};"
          f" vLLM killed after {killed['at']} requests and restarted 2 s later ({'done' if killed['done'] else 'NOT DONE'}).")
    print()
    print("| request | outcome | count |")
    print("|---|---|---|")
    for (kind, outcome), count in sorted(outcomes.items()):
        print(f"| {kind} | {outcome} | {count} |")
    print()
    print("| measure | baseline | peak | after |")
    print("|---|---|---|---|")
    print(f"| file descriptors | {base_fds} | {peak_fds} | {end_fds} |")
    print(f"| sockets | {base_sockets} | {max((sample[1] for sample in samples), default=end_sockets)} | {end_sockets} |")
    print(f"| resident MB | {base_rss:.1f} | {max((sample[2] for sample in samples), default=end_rss):.1f} | {end_rss:.1f} |")
    rate = 1.0
    for fault in FAULTS:
        rate *= 1 - float(fault.rsplit("@", 1)[1])
    print()
    print(f"Backend requests meeting an injected fault: {faulted} of {inference} ({faulted / max(1, inference):.0%}; the vLLM backend's "
          f"count restarts with it; configured: {1 - rate:.0%}). Failed attempts as Ferry counted them: "
          f"{', '.join(f'{kind} {count:.0f}' for kind, count in errors_by_kind.most_common())}")
    checks = [
        (not violations, f"{len(violations)} violations, e.g. {violations[:3]}"),
        (total == REQUESTS, f"{total} of {REQUESTS} requests accounted for"),
        (killed["done"], "the backend was killed and restarted"),
        (faulted / max(1, inference) >= 0.30, f"at least 30 % of backend requests met a fault: {faulted / max(1, inference):.0%}"),
        (end_fds <= base_fds + 4, f"file descriptors back to baseline: {base_fds} → {end_fds}"),
        (end_sockets <= base_sockets + 4, f"sockets back to baseline: {base_sockets} → {end_sockets}"),
        (end_rss <= base_rss * 1.10, f"resident memory within 10 % of baseline: {base_rss:.1f} → {end_rss:.1f} MB"),
        (status == 0, f"ferry serve exited {status} on SIGTERM"),
    ]
    print()
    failed = [message for ok, message in checks if not ok]
    for ok, message in checks:
        print(("✓ " if ok else "✗ ") + message)
    sys.exit(1 if failed else 0)


main()
