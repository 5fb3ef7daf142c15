"""Shared fixtures: start `ferry sim` (or later `ferry serve`) on 127.0.0.1 at a free port, stop it after.

The binary comes from FERRY_BIN (set by .ci/run to the freshly built `ferry`).
"""
import os
import re
import signal
import subprocess
import tempfile
import threading
import time

# LiteLLM fetches a model price list from the internet at import; tests never leave loopback.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
# What the `ferry`s started here keep (documents, keys, usage) goes to a folder of the run's own, never the user's —
# where a key made with `ferry keys` would make every request need one.
os.environ.setdefault("FERRY_DATA_DIR", tempfile.mkdtemp(prefix="ferry-conformance-"))

import pytest

FERRY_BIN = os.environ.get("FERRY_BIN", ".build/debug/ferry")
URL_PATTERN = re.compile(r"http://[^\s)]+")


class RunningProcess:
    """A child process that printed the URL it listens on."""

    def __init__(self, args, timeout=30.0, env=None):
        self.args = args
        self.process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, env=env
        )
        self.output = []
        self.url = self._wait_for_url(timeout)
        # Keep draining stderr so the child never blocks on a full pipe.
        threading.Thread(target=self._drain, args=(self.process.stderr,), daemon=True).start()
        threading.Thread(target=self._drain, args=(self.process.stdout,), daemon=True).start()

    def _wait_for_url(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.args} exited with {self.process.returncode}: {self.process.stderr.read()}")
                continue
            self.output.append(line)
            match = URL_PATTERN.search(line)
            if match:
                return match.group(0)
        raise TimeoutError(f"{self.args} printed no URL within {timeout}s: {self.output}")

    def _drain(self, stream):
        for line in stream:
            self.output.append(line)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        return self.process.returncode


def rss_mb(pid):
    """A process's resident memory in MB (from /proc)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def start_sim(dialect, *models, extra=(), tokens_per_second=0, ttft="0"):
    args = [FERRY_BIN, "sim", "--dialect", dialect, "--host", "127.0.0.1", "--port", "0",
            "--ttft", ttft, "--tokens-per-second", str(tokens_per_second), "--log-level", "warning"]
    for model in models:
        args += ["--model", model]
    return RunningProcess(args + list(extra))


@pytest.fixture(scope="module")
def vllm_sim():
    sim = start_sim("vllm", "demo", "other-model")
    yield sim
    assert sim.stop() == 0, "ferry sim must exit cleanly on SIGTERM"


@pytest.fixture(scope="module")
def ollama_sim():
    sim = start_sim("ollama", "demo", "qwen2.5:0.5b")
    yield sim
    assert sim.stop() == 0


@pytest.fixture(scope="module")
def gemini_sim():
    sim = start_sim("gemini", "gemini-2.0-flash")
    yield sim
    assert sim.stop() == 0


WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city"],
        },
    },
}


CONFIG = """
backends:
  vllm:
    provider: vllm
    url: {vllm}/v1
    model: demo
  ollama:
    provider: ollama
    url: {ollama}
    model: qwen2.5:1.5b
{gemini_backend}
routes:
  default:
    backends: [vllm, ollama]
    retry: {{attempts: 3, base_delay: 10ms, max_delay: 50ms}}
  on-vllm:
    backends: [vllm]
  on-ollama:
    backends: [ollama]
{gemini_route}{extra_routes}
circuit:
  threshold: 2
  cooldown: 30s
health:
  interval: 60s
"""


def start_gateway(vllm_url, ollama_url, extra="", gemini_url=None, routes=""):
    """`ferry serve` with routes default (vLLM → Ollama), on-vllm, on-ollama, on-gemini when given, and `routes`
    (YAML of more routes, indented as the others)."""
    gemini_backend = f"  gemini:\n    provider: gemini\n    url: {gemini_url}\n    api_key: not-checked\n    model: gemini-2.0-flash" if gemini_url else ""
    gemini_route = "  on-gemini:\n    backends: [gemini]" if gemini_url else ""
    handle, path = tempfile.mkstemp(suffix=".yaml")
    with os.fdopen(handle, "w") as file:
        file.write(CONFIG.format(vllm=vllm_url, ollama=ollama_url, gemini_backend=gemini_backend, gemini_route=gemini_route, extra_routes=routes) + extra)
    return RunningProcess([FERRY_BIN, "serve", "--config", path, "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"])


@pytest.fixture(scope="session")
def gateway():
    vllm, olla, gem = start_sim("vllm", "demo"), start_sim("ollama", "qwen2.5:1.5b"), start_sim("gemini", "gemini-2.0-flash")
    ferry = start_gateway(vllm.url, olla.url, gemini_url=gem.url)
    yield ferry
    assert ferry.stop() == 0, "ferry serve must exit cleanly on SIGTERM"
    for sim in (vllm, olla, gem):
        sim.stop()
