"""The first ten minutes, as a newcomer meets them on a fresh machine: nothing configured and an empty engine cache.
`ferry serve` installs the embedded engine and answers; `ferry doctor` then says the backend is usable (exit 0);
`ferry models` shows it healthy; a request with tools gets a structured tool call from the engine (tools prompted:
its model's template has none), whole and streamed, and the tool's result an answer; and `ferry serve`'s log is Ferry's own lines, not the engine's per-request chatter. The install reaches
PyPI; everything else stays on loopback."""
import json
import os
import subprocess
import time

import httpx
import openai
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


def test_tools_on_the_engine_come_back_as_structured_calls(newcomer):
    """The engine's model has no tools in its template: Ferry puts them in the prompt (held to the action schema by
    llama.cpp's grammar) and reads the answer back into a real tool call; the result sent back gets an answer."""
    serve, _ = newcomer
    client = openai.OpenAI(base_url=serve.url + "/v1", api_key="unused", timeout=300, max_retries=0)
    tool = {"type": "function", "function": {"name": "get_weather", "description": "The weather in a city now",
                                             "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
    question = [{"role": "user", "content": "What is the weather in Oslo?"}]
    first = client.chat.completions.create(model="default", messages=question, tools=[tool], tool_choice="required", max_tokens=60, temperature=0)
    calls = first.choices[0].message.tool_calls
    assert first.choices[0].finish_reason == "tool_calls" and calls and calls[0].function.name == "get_weather", first
    arguments = json.loads(calls[0].function.arguments)
    assert isinstance(arguments, dict), calls[0].function.arguments
    # Streamed, the same call arrives as tool-call deltas.
    deltas = [chunk.choices[0].delta.tool_calls for chunk in client.chat.completions.create(
        model="default", messages=question, tools=[tool], tool_choice="required", max_tokens=60, temperature=0, stream=True)
        if chunk.choices and chunk.choices[0].delta.tool_calls]
    assert deltas and deltas[0][0].function.name == "get_weather"
    # The result goes back; the answer is text.
    followed = question + [first.choices[0].message.model_dump(exclude_none=True),
                           {"role": "tool", "tool_call_id": calls[0].id, "content": json.dumps({"city": "Oslo", "temperature_c": 4, "sky": "snow"})}]
    answer = client.chat.completions.create(model="default", messages=followed, tools=[tool], tool_choice="none", max_tokens=40, temperature=0)
    assert answer.choices[0].message.content and not answer.choices[0].message.tool_calls
    print(f"engine tool call: {calls[0].function.name}({calls[0].function.arguments}); answer: {answer.choices[0].message.content!r}")


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
