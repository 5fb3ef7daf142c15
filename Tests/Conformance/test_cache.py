"""The response cache: answers stored from one dialect replayed in another (an OpenAI stream to an Ollama client),
the x-ferry-cache and Age headers, Cache-Control, what is never cached, tenants kept apart, identical requests
coalesced into one backend call, embeddings and /api/query cached (and invalidated by an ingest), the admin endpoint
and `ferry cache`, and two `ferry serve`s sharing a PostgreSQL cache."""
import concurrent.futures
import json
import os
import pathlib
import re
import subprocess

import httpx
import ollama
import openai
import pytest

from conftest import FERRY_BIN, RunningProcess, start_sim

CORPUS = pathlib.Path(__file__).resolve().parent.parent / "FerryRAGTests" / "Answers"
QUESTION = [{"role": "user", "content": "Name three rivers."}]


def serve(config_text, tmp_path, name="ferry.yaml", env=None):
    config = tmp_path / name
    config.write_text(config_text)
    environment = dict(os.environ, FERRY_DATA_DIR=str(tmp_path / "data"), **(env or {}))
    return RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"], env=environment, timeout=60), config, environment


@pytest.fixture(scope="module")
def slow_sim():
    """A backend that takes a while: 0.5 s to the first token."""
    sim = start_sim("vllm", "demo", ttft="500ms", tokens_per_second=200)
    yield sim
    sim.stop()


def sim_requests(sim):
    return httpx.get(sim.url + "/_sim/stats").json()["stats"]["requests"]


def served_inline(url):
    """Chat requests the gateway answered on its inline path (on the event loop, without the routes)."""
    found = re.search(r'ferry_inline_requests_total\{outcome="served"\} ([0-9.e+]+)', httpx.get(url + "/metrics", timeout=10).text)
    return float(found[1]) if found else 0


@pytest.fixture(scope="module")
def cached(slow_sim, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ferry-cache")
    process, config, env = serve(
        f"backends:\n  sim:\n    provider: vllm\n    url: {slow_sim.url}/v1\n    model: demo\n"
        "routes:\n  default:\n    backends: [sim]\n  creative:\n    backends: [sim]\n    cache: {cache_all: true}\n"
        "cache:\n  store: memory\n  ttl: 1h\nserver:\n  admin_key: admin-secret\nrag:\n  embedding:\n    route: none\n"
        "circuit:\n  threshold: 1000\n",
        tmp,
    )
    yield {"url": process.url, "config": str(config), "env": env}
    assert process.stop() == 0


def test_an_openai_stream_is_replayed_to_an_ollama_client(cached, slow_sim):
    client = openai.OpenAI(base_url=cached["url"] + "/v1", api_key="unused", max_retries=0)
    before = sim_requests(slow_sim)
    raw = client.chat.completions.with_raw_response.create(model="default", messages=QUESTION, temperature=0, stream=True)
    assert raw.headers["x-ferry-cache"] == "miss"
    streamed = "".join(chunk.choices[0].delta.content or "" for chunk in raw.parse() if chunk.choices)
    assert streamed and sim_requests(slow_sim) == before + 1

    inline = served_inline(cached["url"])
    answer = ollama.Client(host=cached["url"]).chat(model="default", messages=QUESTION, options={"temperature": 0}, stream=True)
    pieces = [part.message.content for part in answer]
    assert "".join(pieces) == streamed, "the same answer, replayed in Ollama's dialect"
    whole = httpx.post(cached["url"] + "/v1/chat/completions", json={"model": "default", "messages": QUESTION, "temperature": 0}, timeout=60)
    assert whole.headers["x-ferry-cache"] == "hit" and int(whole.headers["age"]) >= 0 and whole.headers["x-ferry-backend"] == "sim"
    assert whole.json()["choices"][0]["message"]["content"] == streamed
    assert sim_requests(slow_sim) == before + 1, "hits never reach the backend"
    assert served_inline(cached["url"]) == inline + 2, "a memory store's hits are answered on the inline path"


def test_cache_control_and_what_is_never_cached(cached, slow_sim):
    url = cached["url"] + "/v1/chat/completions"
    body = {"model": "default", "messages": [{"role": "user", "content": "Cache control?"}], "temperature": 0}
    assert httpx.post(url, json=body, headers={"cache-control": "no-store"}, timeout=60).headers["x-ferry-cache"] == "bypass"
    assert httpx.post(url, json=body, timeout=60).headers["x-ferry-cache"] == "miss", "no-store kept nothing"
    assert httpx.post(url, json=body, headers={"cache-control": "no-cache"}, timeout=60).headers["x-ferry-cache"] == "miss", "no-cache skips the lookup"
    assert httpx.post(url, json=body, headers={"x-ferry-cache": "bypass"}, timeout=60).headers["x-ferry-cache"] == "bypass"
    assert httpx.post(url, json=body, timeout=60).headers["x-ferry-cache"] == "hit"
    warm = dict(body, temperature=0.9)
    assert httpx.post(url, json=warm, timeout=60).headers["x-ferry-cache"] == "bypass", "sampled answers vary: not cached"
    assert httpx.post(url, json=dict(warm, seed=7), timeout=60).headers["x-ferry-cache"] == "miss", "a seed makes it deterministic"
    creative = dict(warm, model="creative")
    assert httpx.post(url, json=creative, timeout=60).headers["x-ferry-cache"] == "miss"
    assert httpx.post(url, json=creative, timeout=60).headers["x-ferry-cache"] == "hit", "a route may cache everything"

    # Errors and cut streams are never kept.
    assert httpx.put(slow_sim.url + "/_sim/faults", json={"faults": ["500"]}).status_code == 200
    try:
        failing = dict(body, messages=[{"role": "user", "content": "This fails."}])
        assert httpx.post(url, json=failing, timeout=60).status_code >= 500
    finally:
        httpx.delete(slow_sim.url + "/_sim/faults")
    assert httpx.post(url, json=failing, timeout=60).headers["x-ferry-cache"] == "miss"
    assert httpx.put(slow_sim.url + "/_sim/faults", json={"faults": ["drop:2"]}).status_code == 200
    try:
        cut = dict(body, messages=[{"role": "user", "content": "This is cut."}], stream=True)
        with httpx.stream("POST", url, json=cut, timeout=60) as response:
            list(response.iter_lines())
    finally:
        httpx.delete(slow_sim.url + "/_sim/faults")
    assert httpx.post(url, json=dict(cut, stream=False), timeout=60).headers["x-ferry-cache"] == "miss"


def test_identical_requests_in_flight_make_one_backend_call(cached, slow_sim):
    before = sim_requests(slow_sim)
    body = {"model": "default", "messages": [{"role": "user", "content": "All at once."}], "temperature": 0}
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda _: httpx.post(cached["url"] + "/v1/chat/completions", json=body, timeout=60), range(8)))
    assert sim_requests(slow_sim) == before + 1
    assert sorted(r.headers["x-ferry-cache"] for r in responses) == ["hit"] * 7 + ["miss"]
    assert len({r.json()["choices"][0]["message"]["content"] for r in responses}) == 1


@pytest.mark.parametrize("stream", [False, True])
def test_identical_completions_in_flight_make_one_backend_call(cached, slow_sim, stream):
    before = sim_requests(slow_sim)
    body = {"model": "default", "prompt": f"All together now ({stream}).", "temperature": 0, "max_tokens": 8, "stream": stream}
    def ask(_):
        response = httpx.post(cached["url"] + "/v1/completions", json=body, timeout=60)
        return response.headers["x-ferry-cache"], response.status_code
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(ask, range(6)))
    assert sim_requests(slow_sim) == before + 1, outcomes
    assert sorted(outcomes) == [("hit", 200)] * 5 + [("miss", 200)]


def test_legacy_completions_are_cached_whole_and_streamed(cached):
    client = openai.OpenAI(base_url=cached["url"] + "/v1", api_key="unused", max_retries=0)
    first = client.completions.with_raw_response.create(model="default", prompt="Once upon a time", temperature=0, max_tokens=16)
    assert first.headers["x-ferry-cache"] == "miss"
    text = first.parse().choices[0].text
    streamed = client.completions.with_raw_response.create(model="default", prompt="Once upon a time", temperature=0, max_tokens=16, stream=True)
    assert streamed.headers["x-ferry-cache"] == "hit"
    assert "".join(chunk.choices[0].text for chunk in streamed.parse() if chunk.choices) == text


def test_embeddings_are_cached(cached):
    body = {"model": "default", "input": ["cache me"]}
    first = httpx.post(cached["url"] + "/v1/embeddings", json=body, timeout=60)
    second = httpx.post(cached["url"] + "/api/embed", json={"model": "default", "input": ["cache me"]}, timeout=60)
    assert first.status_code == 200, first.text
    assert first.headers["x-ferry-cache"] == "miss" and second.headers["x-ferry-cache"] == "hit"
    assert first.json()["data"][0]["embedding"] == pytest.approx(second.json()["embeddings"][0], abs=1e-6)


def test_query_answers_are_cached_until_the_collection_changes(cached):
    files = [("file", (path.name, path.read_bytes())) for path in sorted(CORPUS.glob("*.md"))[:2]]
    assert httpx.post(cached["url"] + "/api/documents", files=files, data={"collection": "atlas"}, timeout=120).status_code == 201
    question = {"question": "What is the capital of Egypt?", "collection": "atlas", "temperature": 0}
    first = httpx.post(cached["url"] + "/api/query", json=question, timeout=60)
    second = httpx.post(cached["url"] + "/api/query", json=question, timeout=60)
    assert first.headers["x-ferry-cache"] == "miss" and second.headers["x-ferry-cache"] == "hit"
    assert second.json()["answer"] == first.json()["answer"] and second.json()["session_id"] != first.json()["session_id"]
    session = second.json()["session_id"]
    assert len(httpx.get(cached["url"] + f"/api/sessions/{session}").json()["turns"]) == 1, "a hit still joins its session"
    with httpx.stream("POST", cached["url"] + "/api/query", json=dict(question, stream=True), timeout=60) as response:
        assert response.headers["x-ferry-cache"] == "hit"
        names = [line[len("event: "):] for line in response.iter_lines() if line.startswith("event: ")]
    assert names == ["sources", "delta", "done"]
    more = [("file", (path.name, path.read_bytes())) for path in sorted(CORPUS.glob("*.md"))[2:]]
    assert httpx.post(cached["url"] + "/api/documents", files=more, data={"collection": "atlas"}, timeout=120).status_code == 201
    assert httpx.post(cached["url"] + "/api/query", json=question, timeout=60).headers["x-ferry-cache"] == "miss", "an ingest invalidates"


def test_admin_endpoint_and_ferry_cache(cached):
    assert httpx.delete(cached["url"] + "/admin/cache").status_code == 401
    assert httpx.delete(cached["url"] + "/admin/cache", headers={"authorization": "Bearer wrong"}).status_code == 401
    run = subprocess.run([FERRY_BIN, "cache", "stats", "--url", cached["url"], "--json"], capture_output=True, text=True, timeout=60)
    stats = json.loads(run.stdout)
    assert stats["store"] == "memory" and stats["hits"] > 0 and stats["entries"] > 0 and 0 < stats["hit_ratio"] < 1
    status = httpx.get(cached["url"] + "/status").json()
    assert status["cache"]["hits"] == stats["hits"] and "routes" in status
    cleared = subprocess.run([FERRY_BIN, "cache", "clear", "--url", cached["url"], "--admin-key", "admin-secret"], capture_output=True, text=True, timeout=60)
    assert cleared.returncode == 0 and cleared.stdout.startswith("removed ")
    assert httpx.get(cached["url"] + "/admin/cache", headers={"authorization": "Bearer admin-secret"}).json()["entries"] == 0
    memory = subprocess.run([FERRY_BIN, "cache", "stats", "--config", cached["config"]], capture_output=True, text=True, timeout=60, env=cached["env"])
    assert memory.returncode != 0 and "lives inside ferry serve" in memory.stderr


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_tenants_never_share_answers(slow_sim, tmp_path, store):
    process, _, _ = serve(
        f"backends:\n  sim:\n    provider: vllm\n    url: {slow_sim.url}/v1\n    model: demo\nroutes:\n  default:\n    backends: [sim]\n"
        f"cache:\n  store: {store}\nserver:\n  api_keys: [key-a, key-b]\n", tmp_path)
    try:
        body = {"model": "default", "messages": [{"role": "user", "content": "Tenants?"}], "temperature": 0}
        def ask(key):
            return httpx.post(process.url + "/v1/chat/completions", json=body, headers={"authorization": f"Bearer {key}"}, timeout=60).headers["x-ferry-cache"]
        assert [ask("key-a"), ask("key-a"), ask("key-b"), ask("key-b"), ask("key-a")] == ["miss", "hit", "miss", "hit", "hit"]
        assert httpx.post(process.url + "/v1/chat/completions", json=body, timeout=60).status_code == 401, "no key, no answer, cached or not"
    finally:
        assert process.stop() == 0
    assert (tmp_path / "data" / "cache.sqlite").exists() == (store == "sqlite")


@pytest.mark.skipif(not os.environ.get("FERRY_TEST_POSTGRES_URL"), reason="no PostgreSQL (.ci/run starts one)")
def test_two_instances_share_a_postgresql_cache(slow_sim, tmp_path):
    config = (f"backends:\n  sim:\n    provider: vllm\n    url: {slow_sim.url}/v1\n    model: demo\nroutes:\n  default:\n    backends: [sim]\n"
              f"cache:\n  store: postgres\n  postgres:\n    url: {os.environ['FERRY_TEST_POSTGRES_URL']}\n")
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first, _, _ = serve(config, tmp_path / "one")
    second, _, _ = serve(config, tmp_path / "two")
    try:
        body = {"model": "default", "messages": [{"role": "user", "content": f"Shared {os.getpid()}?"}], "temperature": 0}
        one = httpx.post(first.url + "/v1/chat/completions", json=body, timeout=60)
        two = httpx.post(second.url + "/api/chat", json={"model": "default", "messages": body["messages"], "options": {"temperature": 0}, "stream": False}, timeout=60)
        assert one.headers["x-ferry-cache"] == "miss" and two.headers["x-ferry-cache"] == "hit"
        assert two.json()["message"]["content"] == one.json()["choices"][0]["message"]["content"]
    finally:
        assert first.stop() == 0 and second.stop() == 0


def test_a_semantic_route_answers_a_paraphrase_but_not_another_question(slow_sim, tmp_path):
    process, _, _ = serve(
        f"backends:\n  sim:\n    provider: vllm\n    url: {slow_sim.url}/v1\n    model: demo\nroutes:\n  default:\n    backends: [sim]\n"
        "    cache: {semantic: 0.95}\ncache:\n  store: memory\n", tmp_path)
    try:
        def ask(question, system="Be brief."):
            messages = [{"role": "system", "content": system}, {"role": "user", "content": question}]
            return httpx.post(process.url + "/v1/chat/completions", json={"model": "default", "messages": messages, "temperature": 0}, timeout=300)
        first = ask("What is the capital of France?")
        assert first.headers["x-ferry-cache"] == "miss"
        paraphrase = ask("what is the capital of france")
        assert paraphrase.headers["x-ferry-cache"] == "hit" and float(paraphrase.headers["x-ferry-cache-similarity"]) >= 0.95
        assert paraphrase.json()["choices"][0]["message"]["content"] == first.json()["choices"][0]["message"]["content"]
        assert ask("How do volcanoes erupt?").headers["x-ferry-cache"] == "miss"
        assert ask("what is the capital of france", system="Answer in French.").headers["x-ferry-cache"] == "miss", "another system prompt"
        conversation = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}, {"role": "user", "content": "what is the capital of france"}]
        multi = httpx.post(process.url + "/v1/chat/completions", json={"model": "default", "messages": conversation, "temperature": 0}, timeout=300)
        assert multi.headers["x-ferry-cache"] == "miss" and "x-ferry-cache-similarity" not in multi.headers, "never for conversations"
    finally:
        assert process.stop() == 0
