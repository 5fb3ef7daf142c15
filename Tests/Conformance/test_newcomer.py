"""The first ten minutes, as a newcomer meets them on a fresh machine: nothing configured and an empty engine cache.
`ferry serve` installs the embedded engine and answers; `ferry doctor` then says the backend is usable (exit 0);
`ferry models` shows it healthy; a request the engine refuses is answered at once with its reason, not after three
attempts; and `ferry serve`'s log is Ferry's own lines, not the engine's per-request chatter. The install reaches
PyPI; everything else stays on loopback."""
import os
import subprocess
import time

import httpx
import pytest

from conftest import FERRY_BIN, RunningProcess

CONFIGURING = ("LLM_", "VLLM_", "OLLAMA_", "OPENAI_", "USE_VLLM", "GEMINI_", "OPENROUTER_", "HF_", "BACKENDS_", "ROUTES_", "GATEWAY_")


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory):
    env = {key: value for key, value in os.environ.items() if not key.startswith(CONFIGURING)}
    env["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("empty-cache"))
    started = time.monotonic()
    serve = RunningProcess([FERRY_BIN, "serve", "--host", "127.0.0.1", "--port", "0"], timeout=900, env=env)
    serve.ready_after = time.monotonic() - started
    yield serve, env
    assert serve.stop() == 0


def test_serve_installs_the_engine_and_answers(newcomer):
    serve, env = newcomer
    answer = httpx.post(serve.url + "/v1/chat/completions", timeout=300,
                        json={"model": "default", "messages": [{"role": "user", "content": "What is the capital of France?"}]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["choices"][0]["message"]["content"]
    assert os.path.isdir(os.path.join(env["XDG_CACHE_HOME"], "ferry", "engine")), "the engine goes into the cache folder"
    print(f"\nnewcomer: ferry serve installed the engine and was ready in {serve.ready_after:.1f} s")


def test_doctor_says_the_default_backend_is_usable(newcomer):
    _, env = newcomer
    result = subprocess.run([FERRY_BIN, "doctor"], capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "— usable" in result.stdout and "process" in result.stdout
    assert "no URL is configured" not in result.stdout


def test_models_shows_the_engine_healthy(newcomer):
    _, env = newcomer
    result = subprocess.run([FERRY_BIN, "models"], capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "healthy" in result.stdout and "smollm2" in result.stdout


def test_a_request_the_engine_refuses_is_answered_at_once(newcomer):
    serve, _ = newcomer
    tool = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}
    started = time.monotonic()
    answer = httpx.post(serve.url + "/v1/chat/completions", timeout=60,
                        json={"model": "default", "messages": [{"role": "user", "content": "Weather in Oslo?"}], "tools": [tool]})
    elapsed = time.monotonic() - started
    assert answer.status_code == 400, answer.text
    message = answer.json()["error"]["message"]
    assert "--jinja" in message and "attempts" not in message, message
    assert elapsed < 5, f"answered after {elapsed:.1f} s"


def test_serve_logs_ferrys_own_lines_not_the_engines_chatter(newcomer):
    serve, _ = newcomer
    before = len(serve.output)
    for _ in range(3):
        httpx.post(serve.url + "/api/chat", timeout=120,
                   json={"model": "default", "stream": False, "messages": [{"role": "user", "content": "Say hello."}]})
    time.sleep(0.5)
    chatter = [line for line in serve.output[before:] if "[local]" in line]
    assert chatter == [], f"the engine's lines reached the log at info: {chatter[:5]}"
    assert any("ready:" in line and "pid" in line for line in serve.output), "one line says the engine is ready"
