"""Answers with their sources: `POST /api/query` whole and streamed, two-turn sessions, RAG routes answering the
openai and ollama SDKs, `ferry query`, and bad input answered with 4xx. The backend is FerrySim with scripted replies
(`PUT /_sim/replies`), so the assertions are on Ferry's retrieval, prompts and citations, not on a model's prose;
the embedding model is the embedded multilingual-e5-small."""
import json
import os
import pathlib
import subprocess

import httpx
import ollama
import openai
import pytest

from conftest import FERRY_BIN, RunningProcess

CORPUS = pathlib.Path(__file__).resolve().parent.parent / "FerryRAGTests" / "Answers"


@pytest.fixture(scope="module")
def setup(vllm_sim, tmp_path_factory):
    sim = vllm_sim
    data_dir = tmp_path_factory.mktemp("ferry-answers")
    config = data_dir / "ferry.yaml"
    config.write_text(
        f"backends:\n  sim:\n    provider: vllm\n    url: {sim.url}/v1\n    model: demo\n"
        "routes:\n  default:\n    backends: [sim]\n"
        "  manuals:\n    backends: [sim]\n    rag: {collection: atlas, mode: adaptive}\n"
    )
    env = dict(os.environ, FERRY_DATA_DIR=str(data_dir))
    gateway = RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"], env=env, timeout=60)
    files = [("file", (path.name, path.read_bytes())) for path in sorted(CORPUS.iterdir())]
    uploaded = httpx.post(gateway.url + "/api/documents", files=files, data={"collection": "atlas"}, timeout=600)
    assert uploaded.status_code == 201, uploaded.text
    yield {"url": gateway.url, "sim": sim.url, "config": str(config), "env": env}
    assert gateway.stop() == 0


def reply(setup, *texts):
    assert httpx.put(setup["sim"] + "/_sim/replies", json={"replies": list(texts)}).status_code == 200


def last_prompt(setup):
    return httpx.get(setup["sim"] + "/_sim/requests").json()["requests"][-1]["messages"]


def events(response):
    """Server-sent events as (event, data) pairs."""
    found, name = [], None
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line[len("event: "):]
        elif line.startswith("data: "):
            found.append((name, json.loads(line[len("data: "):])))
    return found


def test_the_seed_call_is_answered_with_its_sources(setup):
    reply(setup, "القاهرة هي عاصمة مصر [1].")
    response = httpx.post(setup["url"] + "/api/query", json={"question": "ما هي عاصمة مصر؟", "mode": "simple", "collection": "atlas"}, timeout=60)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["answer"] == "القاهرة هي عاصمة مصر [1]." and answer["citations"] == [1]
    assert answer["mode"] == "simple" and answer["backend"] == "sim" and answer["session_id"].startswith("s_")
    assert set(answer["timings"]) >= {"retrieval_ms", "generation_ms", "total_ms"}
    first = answer["sources"][0]
    assert set(first) >= {"n", "document", "section", "page", "chunk_id", "score", "text"}
    assert first["n"] == 1 and first["document"] == "egypt.md" and first["cited"] is True and "القاهرة" in first["text"]
    system = last_prompt(setup)[0]["content"]
    assert "[1] egypt.md" in system and "Arabic" in system


def test_a_streamed_answer_sends_sources_then_pieces_then_timings(setup):
    reply(setup, "Paris is the capital of France [1].")
    with httpx.stream("POST", setup["url"] + "/api/query", json={"question": "What is the capital of France?", "collection": "atlas", "stream": True}, timeout=60) as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        received = events(response)
    names = [name for name, _ in received]
    assert names[0] == "sources" and names[-1] == "done" and set(names[1:-1]) == {"delta"}
    assert received[0][1]["sources"][0]["document"] == "france.md" and received[0][1]["session_id"]
    done = received[-1][1]
    assert "".join(data["text"] for name, data in received if name == "delta") == done["answer"] == "Paris is the capital of France [1]."
    assert done["citations"] == [1] and done["timings"]["total_ms"] >= done["timings"]["generation_ms"]


def test_a_two_turn_session_rewrites_the_follow_up_with_its_context(setup):
    reply(setup, "Sailors may wear a beard of up to two centimetres [1].")
    first = httpx.post(setup["url"] + "/api/query", json={"question": "What are the beard regulations?", "mode": "adaptive", "collection": "atlas"}, timeout=60).json()
    assert first["sources"][0]["document"] == "grooming.md"
    session = first["session_id"]
    reply(setup, "beard regulations for officers", "Officers need the captain's written approval [1].")
    second = httpx.post(setup["url"] + "/api/query", json={"question": "and for officers?", "mode": "adaptive", "collection": "atlas", "session_id": session}, timeout=60).json()
    assert second["session_id"] == session
    assert second["queries"] == ["beard regulations for officers", "What are the beard regulations? and for officers?"]
    assert second["sources"][0]["section"] == "Grooming regulations › Beards for officers" and second["citations"] == [1]
    prompt = last_prompt(setup)
    assert [m["content"] for m in prompt[1:]] == ["What are the beard regulations?", first["answer"], "and for officers?"]

    kept = httpx.get(setup["url"] + f"/api/sessions/{session}").json()
    assert [turn["question"] for turn in kept["turns"]] == ["What are the beard regulations?", "and for officers?"]
    assert kept["turns"][1]["query"] == "beard regulations for officers" and kept["turns"][1]["citations"][0]["document"] == "grooming.md"
    assert httpx.delete(setup["url"] + f"/api/sessions/{session}").json() == {"deleted": session}
    gone = httpx.get(setup["url"] + f"/api/sessions/{session}")
    assert gone.status_code == 404 and "There is no session" in gone.json()["error"]["message"]


def test_adaptive_mode_says_when_the_documents_do_not_cover_a_question(setup):
    asked = len(httpx.get(setup["sim"] + "/_sim/requests").json()["requests"])
    answer = httpx.post(setup["url"] + "/api/query", json={"question": "How do volcanoes erupt?", "mode": "adaptive", "collection": "atlas"}, timeout=60).json()
    assert answer["covered"] is False and answer["sources"] == [] and answer["backend"] is None
    assert answer["answer"] == "The documents do not cover this question."
    assert len(httpx.get(setup["sim"] + "/_sim/requests").json()["requests"]) == asked, "the model is not asked"


def test_a_rag_route_answers_the_openai_sdk_with_sources(setup):
    client = openai.OpenAI(base_url=setup["url"] + "/v1", api_key="unused", max_retries=0)
    reply(setup, "Officers need the captain's written approval [1].")
    completion = client.chat.completions.create(model="manuals", messages=[{"role": "user", "content": "Who may wear a full beard?"}])
    assert completion.choices[0].message.content == "Officers need the captain's written approval [1]."
    sources = completion.model_extra["ferry_sources"]
    assert sources[0]["document"] == "grooming.md" and sources[0]["cited"] is True

    # The sources as a numbered list at the end of the text, when the client asks; streamed, they ride on the last chunk.
    reply(setup, "Officers need the captain's written approval [1].")
    stream = client.chat.completions.create(
        model="manuals", messages=[{"role": "user", "content": "Who may wear a full beard?"}], stream=True, extra_headers={"X-Ferry-Sources": "text"}
    )
    chunks = list(stream)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert text.startswith("Officers need the captain's written approval [1].")
    assert text.endswith("Sources:\n[1] grooming.md — Grooming regulations › Beards for officers\n")
    finishing = [chunk for chunk in chunks if chunk.choices and chunk.choices[0].finish_reason]
    assert finishing[0].model_extra["ferry_sources"][0]["document"] == "grooming.md"

    # A conversation: the client's earlier turns give the follow-up its context.
    reply(setup, "beard rules for officers", "They need approval [1].")
    client.chat.completions.create(model="manuals", messages=[
        {"role": "user", "content": "What are the beard regulations?"}, {"role": "assistant", "content": "Two centimetres."},
        {"role": "user", "content": "and for officers?"},
    ])
    assert [m["content"] for m in last_prompt(setup)[1:]] == ["What are the beard regulations?", "Two centimetres.", "and for officers?"]


def test_a_rag_route_answers_the_ollama_sdk_with_sources(setup):
    reply(setup, "القاهرة هي عاصمة مصر [1].", "القاهرة هي عاصمة مصر [1].")
    client = ollama.Client(host=setup["url"])
    answer = client.chat(model="manuals", messages=[{"role": "user", "content": "ما هي عاصمة مصر؟"}], stream=False)
    assert answer.message.content == "القاهرة هي عاصمة مصر [1]."
    pieces = [part.message.content for part in client.chat(model="manuals", messages=[{"role": "user", "content": "ما هي عاصمة مصر؟"}], stream=True)]
    assert "".join(pieces) == "القاهرة هي عاصمة مصر [1]."
    reply(setup, "القاهرة هي عاصمة مصر [1].")
    raw = httpx.post(setup["url"] + "/api/chat", json={"model": "manuals", "messages": [{"role": "user", "content": "ما هي عاصمة مصر؟"}], "stream": False}, headers={"X-Ferry-Sources": "text"}, timeout=60).json()
    assert raw["ferry_sources"][0]["document"] == "egypt.md" and raw["done"] is True
    assert raw["message"]["content"].endswith("المصادر:\n[1] egypt.md — مصر\n")


def test_bad_questions_get_a_4xx_that_says_why(setup):
    def error(body, status=400):
        response = httpx.post(setup["url"] + "/api/query", json=body, timeout=60)
        assert response.status_code == status, response.text
        return response.json()["error"]

    assert error({"question": "   ", "collection": "atlas"})["param"] == "question"
    assert "simple or adaptive" in error({"question": "x", "mode": "clever", "collection": "atlas"})["message"]
    assert "There is no collection `nowhere`" in error({"question": "x", "collection": "nowhere"})["message"]
    assert error({"question": "x", "collection": "atlas", "session_id": "has spaces"})["param"] == "session_id"
    assert error({"question": "x", "collection": "atlas", "top_k": 0})["param"] == "top_k"
    assert "No route serves model `ghost`" in error({"question": "x", "collection": "atlas", "model": "ghost"}, 404)["message"]
    assert httpx.post(setup["url"] + "/api/query", content=b"{not json", timeout=60).status_code == 400
    assert httpx.get(setup["url"] + "/api/sessions/s_unknown").status_code == 404
    assert httpx.post(setup["url"] + "/v1/chat/completions", json={"model": "manuals", "messages": [{"role": "assistant", "content": "hi"}]}).status_code == 400

    # A backend that fails: the error comes back as an HTTP error in the same shape, not as a half answer.
    assert httpx.put(setup["sim"] + "/_sim/faults", json={"faults": ["500"]}).status_code == 200
    try:
        failed = httpx.post(setup["url"] + "/api/query", json={"question": "capital of France?", "collection": "atlas", "stream": True}, timeout=60)
        assert failed.status_code >= 500 and failed.json()["error"]["message"]
    finally:
        httpx.delete(setup["sim"] + "/_sim/faults")


def test_ferry_query_prints_the_answer_then_its_sources(setup):
    reply(setup, "Paris is the capital of France [1].")
    run = subprocess.run([FERRY_BIN, "query", "What is the capital of France?", "--collection", "atlas", "--config", setup["config"]], capture_output=True, text=True, timeout=300, env=setup["env"])
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "Paris is the capital of France [1]."
    assert "Sources:" in lines and any(line.startswith("[1] ") and line.endswith("france.md — France") for line in lines)
    session = next(line for line in lines if line.startswith("session ")).split()[1]

    reply(setup, "The President lives in the Élysée Palace [1].")
    follow = subprocess.run([FERRY_BIN, "query", "Where does its president live?", "--collection", "atlas", "--session", session, "--json", "--config", setup["config"]], capture_output=True, text=True, timeout=300, env=setup["env"])
    answer = json.loads(follow.stdout)
    assert answer["session_id"] == session and answer["citations"] == [1]
    missing = subprocess.run([FERRY_BIN, "query", "x", "--collection", "nowhere", "--config", setup["config"]], capture_output=True, text=True, timeout=300, env=setup["env"])
    assert missing.returncode == 1 and "There is no collection `nowhere`" in missing.stderr
