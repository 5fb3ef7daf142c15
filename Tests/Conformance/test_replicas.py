"""Three `ferry serve` replicas on one PostgreSQL (`store: postgres://…`): any replica answers any request — a
cache hit, a document ingested on one and answered from on another, a conversation session and a Responses
conversation carried across replicas — and a replica killed with SIGKILL loses nothing it had committed."""
import os
import signal
import tempfile

import httpx
import openai
import pytest

from conftest import FERRY_BIN, RunningProcess, start_sim

pytestmark = pytest.mark.skipif(not os.environ.get("FERRY_TEST_POSTGRES_URL"), reason="no PostgreSQL (.ci/run starts one)")

REGULATIONS = ("Beard regulations. Officers may wear a beard with written approval of their commander. "
               "Sailors on ships keep their beards trimmed to two centimetres.\n")


def serve(config, data_dir):
    handle, path = tempfile.mkstemp(suffix=".yaml")
    with os.fdopen(handle, "w") as file:
        file.write(config)
    env = dict(os.environ, FERRY_DATA_DIR=str(data_dir))
    return RunningProcess([FERRY_BIN, "serve", "--config", path, "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"], env=env, timeout=60)


def test_three_replicas_share_cache_documents_sessions_and_responses_and_survive_a_kill(tmp_path):
    url = os.environ["FERRY_TEST_POSTGRES_URL"]
    sim = start_sim("vllm", "demo")
    tag = f"{os.getpid()}x{os.urandom(3).hex()}"
    config = (f"store: {url}\n"
              f"backends:\n  sim: {{provider: vllm, url: \"{sim.url}/v1\", model: demo}}\n"
              "routes:\n  default: {backends: [sim], cache: {enabled: true}}\n"
              "rag:\n  embedding:\n    route: none\n")
    replicas = [serve(config, tmp_path / f"replica{index}") for index in range(3)]
    a, b, c = (replica.url for replica in replicas)
    try:
        # The cache: a miss on one replica is a hit on the others.
        ask = {"model": "default", "messages": [{"role": "user", "content": f"Cached question {tag}"}], "temperature": 0}
        first = httpx.post(a + "/v1/chat/completions", json=ask, timeout=30)
        assert first.headers["x-ferry-cache"] == "miss"
        second = httpx.post(b + "/v1/chat/completions", json=ask, timeout=30)
        assert second.headers["x-ferry-cache"] == "hit"
        assert second.json()["choices"][0]["message"]["content"] == first.json()["choices"][0]["message"]["content"]

        # Documents ingested on one replica answer questions on another, in a session that goes on on the third.
        collection = "replicas" + tag
        added = httpx.post(a + "/api/documents", files=[("file", ("regulations.txt", REGULATIONS.encode()))], data={"collection": collection}, timeout=60)
        assert added.status_code == 201, added.text
        session = "session-" + tag
        answered = httpx.post(c + "/api/query", json={"question": "beard approval officers", "collection": collection, "session_id": session}, timeout=60).json()
        assert answered["sources"][0]["document"] == "regulations.txt"
        httpx.post(b + "/api/query", json={"question": "and for sailors?", "collection": collection, "session_id": session}, timeout=60).raise_for_status()

        # A Responses conversation begun on one replica goes on on another.
        client = {name: openai.OpenAI(base_url=replica + "/v1", api_key="unused", max_retries=0) for name, replica in (("a", a), ("b", b), ("c", c))}
        opened = client["a"].responses.create(model="default", input=f"My name is Ada {tag}.")
        followed = client["b"].responses.create(model="default", input="What is my name?", previous_response_id=opened.id)
        assert followed.previous_response_id == opened.id

        # Replica a dies without a chance to clean up: nothing it committed is lost.
        replicas[0].process.send_signal(signal.SIGKILL)
        replicas[0].process.wait(timeout=10)
        assert client["c"].responses.retrieve(opened.id).output_text == opened.output_text
        assert client["c"].responses.retrieve(followed.id).previous_response_id == opened.id
        turns = httpx.get(c + f"/api/sessions/{session}", timeout=10).json()["turns"]
        assert [turn["question"] for turn in turns] == ["beard approval officers", "and for sailors?"]
        assert httpx.post(c + "/v1/chat/completions", json=ask, timeout=30).headers["x-ferry-cache"] == "hit"
        documents = httpx.get(b + "/api/documents", params={"collection": collection}, timeout=10).json()["documents"]
        assert [document["document"] for document in documents] == ["regulations.txt"]
    finally:
        for replica in replicas[1:]:
            assert replica.stop() == 0
        replicas[0].stop()
        sim.stop()
