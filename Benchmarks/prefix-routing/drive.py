"""Drives the prefix-routing comparison: for each strategy, four fresh FerrySim replicas (prefix cache on) and a
fresh `ferry serve`, the same seeded workload of multi-turn conversations, and the figures: prefix-cache hit rate
(cached prompt tokens / prompt tokens, as the replicas report them), time to first token p50/p99 at the client,
throughput, and the imbalance between replicas (the busiest one's requests over the mean). Timing is simulated.

Usage: drive.py OUTPUT_DIR   (FERRY_BIN, CONVERSATIONS, TURNS, WORKERS, SEED from the environment)
"""
import concurrent.futures
import http.client
import json
import os
import pathlib
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "common"))
from processes import start, stop  # noqa: E402
import time

FERRY = os.environ["FERRY_BIN"]
OUT = pathlib.Path(sys.argv[1])
CONVERSATIONS = int(os.environ.get("CONVERSATIONS", "48"))
TURNS = int(os.environ.get("TURNS", "6"))
WORKERS = int(os.environ.get("WORKERS", "16"))
SEED = int(os.environ.get("SEED", "7"))
REPLICAS = 4
# The simulated server: 20 ms base time to first token, 4,000 prompt tokens a second for what is not cached, 100
# generated tokens a second per request, 8 requests generated at once (more wait their turn).
SIM = ["--ttft", "20ms", "--prefill-tokens-per-second", "4000", "--tokens-per-second", "100", "--max-concurrency", "8", "--prefix-cache"]
STRATEGIES = [
    ("round-robin", "round-robin", None),
    ("least-outstanding", "least-outstanding", None),
    ("prefix-affinity, unbounded", "prefix-affinity", "off"),
    ("prefix-affinity, bounded load (1.25)", "prefix-affinity", "1.25"),
    ("prefix-affinity, bounded load (1.5, the default)", "prefix-affinity", None),
]
# ONLY=word: run only the strategies whose name contains it; LOAD_FACTOR: the bounded strategy's prefix_load_factor.
if os.environ.get("LOAD_FACTOR"):
    STRATEGIES[-1] = (f"prefix-affinity, bounded load ({os.environ['LOAD_FACTOR']})", "prefix-affinity", os.environ["LOAD_FACTOR"])
if os.environ.get("ONLY"):
    STRATEGIES = [strategy for strategy in STRATEGIES if os.environ["ONLY"] in strategy[0]]


def workload():
    """Conversations over six long system prompts, one of them hot (40 % of conversations): each a list of user
    messages, one per turn."""
    rng = random.Random(SEED)
    words = "ferry harbour route schedule passenger vehicle deck crossing tide weather ticket port captain cargo".split()
    prompts = [" ".join(rng.choice(words) for _ in range(1200)) for _ in range(6)]
    conversations = []
    for index in range(CONVERSATIONS):
        system = prompts[0] if rng.random() < 0.4 else rng.choice(prompts[1:])
        turns = [f"Question {index}.{turn}: " + " ".join(rng.choice(words) for _ in range(40)) for turn in range(TURNS)]
        conversations.append((system, turns))
    return conversations


def ask(port, messages):
    """One streamed chat request: time to first token, prompt and cached tokens, the backend, the answer."""
    body = json.dumps({"model": "bench", "messages": messages, "max_tokens": 24, "stream": True, "stream_options": {"include_usage": True}})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    begun = time.monotonic()
    connection.request("POST", "/v1/chat/completions", body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    backend = response.getheader("x-ferry-backend")
    first, text, usage = None, "", None
    for line in response:
        if not line.startswith(b"data: ") or line.strip() == b"data: [DONE]":
            continue
        chunk = json.loads(line[6:])
        for choice in chunk.get("choices", []):
            piece = choice.get("delta", {}).get("content")
            if piece:
                first = first or time.monotonic()
                text += piece
        usage = chunk.get("usage") or usage
    connection.close()
    cached = ((usage or {}).get("prompt_tokens_details") or {}).get("cached_tokens") or 0
    return {"ttft": (first or time.monotonic()) - begun, "prompt": usage["prompt_tokens"], "cached": cached, "backend": backend, "text": text}


def run(strategy, spill, conversations):
    sims = [start([FERRY, "sim", "--dialect", "vllm", "--host", "127.0.0.1", "--port", "0", "--model", "demo", "--log-level", "error", *SIM]) for _ in range(REPLICAS)]
    config = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
    config.write("backends:\n" + "".join(f"  r{i}: {{provider: vllm, url: \"{url}/v1\", model: demo}}\n" for i, (_, url) in enumerate(sims)))
    config.write(f"routes:\n  bench:\n    backends: [{', '.join(f'r{i}' for i in range(REPLICAS))}]\n    strategy: {strategy}\n")
    if spill:
        config.write(f"    prefix_load_factor: {spill}\n")
    config.write("health:\n  interval: 600s\n")
    config.close()
    ferry, url = start([FERRY, "serve", "--config", config.name, "--host", "127.0.0.1", "--port", "0", "--log-level", "error"])
    port = int(url.rsplit(":", 1)[1])
    results = []
    lock = threading.Lock()

    def converse(owned):
        # A worker's conversations advance turn by turn, interleaved, each turn carrying the whole history.
        histories = {index: [{"role": "system", "content": conversations[index][0]}] for index in owned}
        for turn in range(TURNS):
            for index in owned:
                histories[index].append({"role": "user", "content": conversations[index][1][turn]})
                answer = ask(port, histories[index])
                histories[index].append({"role": "assistant", "content": answer["text"]})
                with lock:
                    results.append(answer)

    begun = time.monotonic()
    try:
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(converse, [list(range(worker, CONVERSATIONS, WORKERS)) for worker in range(WORKERS)]))
    finally:
        elapsed = time.monotonic() - begun
        stop(ferry)
        for process, _ in sims:
            stop(process)
        os.unlink(config.name)
    ttfts = sorted(result["ttft"] for result in results)
    per_backend = {f"r{i}": sum(1 for result in results if result["backend"] == f"r{i}") for i in range(REPLICAS)}
    return {
        "requests": len(results), "seconds": elapsed, "throughput": len(results) / elapsed,
        "hit_rate": sum(r["cached"] for r in results) / max(1, sum(r["prompt"] for r in results)),
        "ttft_p50_ms": statistics.median(ttfts) * 1000, "ttft_p90_ms": ttfts[int(len(ttfts) * 0.9)] * 1000,
        "ttft_p99_ms": ttfts[min(len(ttfts) - 1, int(len(ttfts) * 0.99))] * 1000, "ttft_mean_ms": statistics.mean(ttfts) * 1000,
        "imbalance": max(per_backend.values()) / statistics.mean(per_backend.values()), "per_backend": per_backend,
    }


def svg(rows):
    """Bars: TTFT p50 and p99 (ms, left scale) and the hit rate (right scale) for each strategy."""
    width, height, left, bottom = 760, 320, 60, 260
    top = max(row["ttft_p99_ms"] for row in rows) * 1.1
    group = (width - left - 20) / len(rows)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
             f'<text x="{left}" y="16" font-size="13">Prefix-aware routing (simulated timing): TTFT p50 / p99 and prefix-cache hit rate</text>',
             f'<line x1="{left}" y1="{bottom}" x2="{width - 20}" y2="{bottom}" stroke="#444"/>']
    for step in range(5):
        value = top * step / 4
        y = bottom - (bottom - 30) * step / 4
        parts.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{value:.0f} ms</text><line x1="{left}" y1="{y}" x2="{width - 20}" y2="{y}" stroke="#ddd"/>')
    for index, row in enumerate(rows):
        x = left + group * index + 10
        for offset, (key, colour) in enumerate((("ttft_p50_ms", "#4c78a8"), ("ttft_p99_ms", "#9ecae9"))):
            h = (bottom - 30) * row[key] / top
            parts.append(f'<rect x="{x + offset * 34}" y="{bottom - h}" width="30" height="{h}" fill="{colour}"/>')
        h = (bottom - 30) * row["hit_rate"]
        parts.append(f'<rect x="{x + 72}" y="{bottom - h}" width="30" height="{h}" fill="#59a14f"/>')
        parts.append(f'<text x="{x + 87}" y="{bottom - h - 4}" text-anchor="middle">{row["hit_rate"]:.0%}</text>')
        parts.append(f'<text x="{x + 50}" y="{bottom + 16}" text-anchor="middle">{row["strategy"]}</text>')
        parts.append(f'<text x="{x + 50}" y="{bottom + 30}" text-anchor="middle">imbalance {row["imbalance"]:.2f}</text>')
    parts.append(f'<text x="{left}" y="{height - 8}">■ blue: TTFT p50, light: p99 (left scale) · ■ green: hit rate (0-100 %)</text></svg>')
    return "\n".join(parts)


def main():
    conversations = workload()
    rows = []
    for name, strategy, spill in STRATEGIES:
        row = {"strategy": name, **run(strategy, spill, conversations)}
        rows.append(row)
        print(f"{name}: hit rate {row['hit_rate']:.1%}, TTFT mean {row['ttft_mean_ms']:.0f} ms, p50 {row['ttft_p50_ms']:.0f} ms, p90 {row['ttft_p90_ms']:.0f} ms, p99 {row['ttft_p99_ms']:.0f} ms, "
              f"{row['throughput']:.1f} req/s, imbalance {row['imbalance']:.2f} {row['per_backend']}", flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps({"conversations": CONVERSATIONS, "turns": TURNS, "workers": WORKERS, "seed": SEED,
                                                   "simulator": SIM, "rows": rows}, indent=2))
    lines = [f"Prefix-aware routing — simulated timing (FerrySim: {' '.join(SIM)}); {CONVERSATIONS} conversations × {TURNS} turns, "
             f"{WORKERS} clients, six 1,200-token system prompts (one in 40 % of conversations), seed {SEED}.", "",
             "| strategy | prefix-cache hit rate | TTFT mean ms | TTFT p50 ms | TTFT p90 ms | TTFT p99 ms | req/s | imbalance (max/mean) | requests per replica |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['strategy']} | {row['hit_rate']:.1%} | {row['ttft_mean_ms']:.0f} | {row['ttft_p50_ms']:.0f} | {row['ttft_p90_ms']:.0f} | {row['ttft_p99_ms']:.0f} | {row['throughput']:.1f} | "
                     f"{row['imbalance']:.2f} | {' / '.join(str(count) for count in row['per_backend'].values())} |")
    (OUT / "results.md").write_text("\n".join(lines) + "\n")
    (OUT / "results.svg").write_text(svg(rows))
    print("\n".join(lines))


main()
