"""The documents API and the RAG commands: uploads of real files, search in Arabic and English, the CLI and
`ferry serve` sharing one store, bad input answered with 4xx, and an ingest killed with SIGKILL."""
import json
import os
import pathlib
import signal
import sqlite3
import subprocess
import tempfile
import time

import httpx
import pytest

from conftest import FERRY_BIN, RunningProcess, start_sim

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "FerryRAGTests" / "Documents"


def serve(config, data_dir):
    handle, path = tempfile.mkstemp(suffix=".yaml")
    with os.fdopen(handle, "w") as file:
        file.write(config)
    env = dict(os.environ, FERRY_DATA_DIR=str(data_dir))
    return RunningProcess([FERRY_BIN, "serve", "--config", path, "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"], env=env, timeout=60)


def ferry(*args, data_dir, config=None, stdin=None, timeout=300):
    command = [FERRY_BIN, *args] + (["--config", config] if config else [])
    return subprocess.run(command, capture_output=True, text=True, input=stdin, timeout=timeout, env=dict(os.environ, FERRY_DATA_DIR=str(data_dir)))


@pytest.fixture(scope="module")
def sim():
    process = start_sim("vllm", "demo")
    yield process
    process.stop()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("ferry-data")


@pytest.fixture(scope="module")
def gateway(sim, data_dir):
    """`ferry serve` with the embedded embedding model (multilingual-e5-small, installed on first use)."""
    process = serve(f"backends:\n  sim:\n    provider: vllm\n    url: {sim.url}/v1\nroutes:\n  default:\n    backends: [sim]\n", data_dir)
    yield process
    assert process.stop() == 0


def upload(url, names, collection, extra=None):
    files = [("file", (name, (FIXTURES / name).read_bytes())) for name in names]
    data = {"collection": collection, **(extra or {})}
    return httpx.post(url + "/api/documents", files=files, data=data, timeout=300)


def test_upload_search_list_delete(gateway):
    response = upload(gateway.url, ["regulations.docx", "manual.pdf", "mdbook-what-is-rustdoc.html"], "handbook")
    assert response.status_code == 201, response.text
    summary = response.json()
    assert sorted(summary["added"]) == ["manual.pdf", "mdbook-what-is-rustdoc.html", "regulations.docx"]
    assert summary["embedding_model"] == "multilingual-e5-small-q4" and summary["embedded"] == summary["chunks"] > 5

    found = httpx.post(gateway.url + "/api/search", json={"query": "Where are the life jackets?", "collection": "handbook", "top_k": 3}, timeout=60).json()
    best = found["results"][0]
    assert set(best) >= {"document", "section", "page", "chunk_id", "score", "text"}
    assert best["document"] == "manual.pdf" and best["page"] == 2 and "Life jackets" in best["text"]
    assert set(found["timings"]) == {"embed_ms", "search_ms"} and found["mode"] == "hybrid"

    # An Arabic question finds the Arabic passage of the Word document, under its section.
    arabic = httpx.post(gateway.url + "/api/search", json={"query": "ما هي قواعد اللحية؟", "collection": "handbook", "top_k": 3, "mode": "vector"}, timeout=60).json()
    assert any(r["document"] == "regulations.docx" and "اللحية" in r["text"] for r in arabic["results"]), arabic
    # An English question in lexical mode; a path filter.
    lexical = httpx.post(gateway.url + "/api/search", json={"query": "cargo doc", "collection": "handbook", "mode": "lexical", "filters": {"path": "*.html"}}, timeout=60).json()
    assert lexical["results"] and all(r["document"].endswith(".html") for r in lexical["results"])

    listed = httpx.get(gateway.url + "/api/documents", params={"collection": "handbook"}).json()["documents"]
    assert {d["document"] for d in listed} == set(summary["added"])
    pdf = next(d for d in listed if d["document"] == "manual.pdf")
    assert pdf["format"] == "pdf" and pdf["chunks"] >= 1
    assert httpx.delete(f"{gateway.url}/api/documents/{pdf['id']}").json()["deleted"] == pdf["id"]
    gone = httpx.delete(f"{gateway.url}/api/documents/{pdf['id']}")
    assert gone.status_code == 404 and "GET /api/documents" in gone.json()["error"]["message"]
    assert all(r["document"] != "manual.pdf" for r in httpx.post(gateway.url + "/api/search", json={"query": "life jackets", "collection": "handbook"}).json()["results"])

    # Uploading the same files again changes nothing.
    again = upload(gateway.url, ["regulations.docx"], "handbook").json()
    assert again["unchanged"] == ["regulations.docx"] and again["embedded"] == 0


def test_bad_input_gets_a_4xx_that_says_why(gateway):
    def error(response, status):
        assert response.status_code == status, response.text
        return response.json()["error"]
    assert error(httpx.post(gateway.url + "/api/search", json={"collection": "handbook"}), 400)["message"]
    assert error(httpx.post(gateway.url + "/api/search", json={"query": "x", "mode": "fuzzy"}), 400)["param"] == "mode"
    missing = error(httpx.post(gateway.url + "/api/search", json={"query": "x", "collection": "nope"}), 400)
    assert "nope" in missing["message"] and missing["param"] == "collection"
    assert error(httpx.post(gateway.url + "/api/search", json={"query": "x", "top_k": 0}), 400)["param"] == "top_k"
    assert error(httpx.post(gateway.url + "/api/search", content=b"{not json"), 400)
    refused = error(httpx.post(gateway.url + "/api/documents", json={"path": "/etc"}), 403)
    assert "allow_server_paths" in refused["message"]
    assert error(httpx.post(gateway.url + "/api/documents", content=b"--x\r\nbroken", headers={"content-type": "multipart/form-data"}), 400)
    assert error(httpx.post(gateway.url + "/api/documents", data={"collection": "c"}, files=[]), 400)
    assert error(httpx.delete(gateway.url + "/api/documents/abc"), 400)["param"] == "id"
    # Unreadable uploads are not errors: they are skipped, with the reason, and nothing else is lost.
    mixed = httpx.post(gateway.url + "/api/documents", data={"collection": "mixed"}, files=[
        ("file", ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00")), ("file", ("empty.txt", b"")),
        ("file", ("latin.txt", "caf\xe9".encode("latin-1"))), ("file", ("ok.md", b"# Fine\n\nThis one is fine.")),
    ]).json()
    assert mixed["added"] == ["ok.md"]
    reasons = {s["path"]: s["reason"] for s in mixed["skipped"]}
    assert "binary" in reasons["photo.png"] and reasons["empty.txt"] == "an empty file" and "not UTF-8" in reasons["latin.txt"]


def test_cli_and_server_share_the_store(gateway, data_dir, tmp_path):
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "ferries.md").write_text("# Ferries\n\nThe night ferry leaves at 23:00 from pier 4.")
    (docs / "sub" / "العبارات.txt").write_text("تغادر العبارة الليلية في الساعة الحادية عشرة من الرصيف الرابع.")
    (docs / "sub" / "skip.bin").write_bytes(b"\x00\x01\x02")
    result = ferry("ingest", str(docs), "--collection", "cli", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert len(summary["added"]) == 2 and summary["skipped"][0]["path"].endswith("skip.bin")
    # The server sees what the CLI ingested.
    found = httpx.post(gateway.url + "/api/search", json={"query": "متى تغادر العبارة الليلية؟", "collection": "cli", "top_k": 1}, timeout=60).json()
    assert found["results"][0]["document"].endswith("العبارات.txt")
    # And the CLI sees what the server holds.
    searched = ferry("search", "night ferry pier", "--collection", "cli", "--json", data_dir=data_dir)
    assert searched.returncode == 0, searched.stderr
    assert json.loads(searched.stdout)["results"][0]["document"].endswith("ferries.md")
    listed = ferry("collections", "--json", data_dir=data_dir)
    assert {c["name"] for c in json.loads(listed.stdout)} >= {"cli", "handbook"}
    # Standard input, then --sync after a file is removed.
    piped = ferry("ingest", "-", "--name", "notes.txt", "--collection", "cli", "--json", data_dir=data_dir, stdin="Crew notes: the ramp sticks.")
    assert json.loads(piped.stdout)["added"] == ["notes.txt"]
    (docs / "ferries.md").unlink()
    synced = json.loads(ferry("ingest", str(docs), "--collection", "cli", "--sync", "--json", data_dir=data_dir).stdout)
    assert synced["removed"] == [str(docs / "ferries.md")] and len(synced["unchanged"]) == 1
    wrong = ferry("search", "x", "--collection", "missing", data_dir=data_dir)
    assert wrong.returncode == 1 and "There is no collection `missing`" in wrong.stderr and "Usage" not in wrong.stderr
    gone = ferry("ingest", str(tmp_path / "nowhere"), "--collection", "never", data_dir=data_dir)
    assert gone.returncode == 1 and "no such file or folder" in gone.stderr
    assert "never" not in ferry("collections", data_dir=data_dir).stdout, "nothing is made for a path that is not there"
    deleted = ferry("collections", "delete", "cli", data_dir=data_dir)
    assert deleted.returncode == 0 and "Deleted" in deleted.stdout


def test_routed_embeddings_and_a_killed_ingest(sim, tmp_path):
    """Embeddings through a configured route (here FerrySim's /v1/embeddings); `kill -9` mid-ingest leaves a
    consistent store, and running the ingest again completes it."""
    data_dir = tmp_path / "data"
    config = tmp_path / "ferry.yaml"
    config.write_text(f"backends:\n  sim:\n    provider: vllm\n    url: {sim.url}/v1\n    model: demo\nroutes:\n  default:\n    backends: [sim]\nrag:\n  embedding:\n    route: default\n")
    docs = tmp_path / "many"
    docs.mkdir()
    for index in range(400):
        (docs / f"doc{index:03}.md").write_text(f"# Document {index}\n\n" + " ".join(f"Sentence {index}.{n} about ferries." for n in range(40)))
    process = subprocess.Popen([FERRY_BIN, "ingest", str(docs), "--config", str(config)], env=dict(os.environ, FERRY_DATA_DIR=str(data_dir)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    database = data_dir / "rag.sqlite"
    deadline = time.monotonic() + 60
    written = 0
    while time.monotonic() < deadline and written < 20:
        time.sleep(0.05)
        if database.exists():
            try:
                with sqlite3.connect(database, timeout=5) as db:
                    written = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            except sqlite3.Error:
                pass
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 0 < written < 400, f"{written} documents before the kill"
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        documents = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        assert db.execute("SELECT COUNT(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM chunks k WHERE k.document_id = d.id)").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0] == db.execute("SELECT COUNT(*) FROM chunks_fts").fetchone()[0]
    finished = ferry("ingest", str(docs), "--json", config=str(config), data_dir=data_dir)
    assert finished.returncode == 0, finished.stderr
    summary = json.loads(finished.stdout)
    assert len(summary["unchanged"]) == documents and len(summary["added"]) == 400 - documents
    assert summary["embedding_model"] == "default"
    # Passages were counted with the backend's tokenizer (FerrySim's /tokenize counts words).
    with sqlite3.connect(database) as db:
        for text, tokens in db.execute("SELECT text, tokens FROM chunks LIMIT 20"):
            assert tokens == len(text.split()), (tokens, text)
    listed = json.loads(ferry("collections", "--json", data_dir=data_dir).stdout)
    assert listed == [{"name": "default", "documents": 400, "chunks": listed[0]["chunks"], "embedding_model": "default", "dimensions": 384}]


@pytest.mark.skipif(not os.environ.get("FERRY_TEST_POSTGRES_URL"), reason="no PostgreSQL (.ci/run starts one)")
def test_two_instances_share_a_postgresql_store(sim, tmp_path):
    """Two `ferry serve`s on one PostgreSQL store: what one ingests, the other finds; a session begun on one goes on on
    the other; a delete on one is seen by both."""
    url = os.environ["FERRY_TEST_POSTGRES_URL"]
    collection = "shared" + str(os.getpid())
    config = f"backends:\n  sim:\n    provider: vllm\n    url: {sim.url}/v1\n    model: demo\nroutes:\n  default:\n    backends: [sim]\nrag:\n  embedding:\n    route: none\n  postgres:\n    url: {url}\n"
    first, second = serve(config, tmp_path / "one"), serve(config, tmp_path / "two")
    try:
        added = upload(first.url, ["regulations.docx"], collection).json()
        assert added["added"] == ["regulations.docx"] and added["notice"]
        found = httpx.post(second.url + "/api/search", json={"query": "beard approval officers", "collection": collection}).json()
        assert found["mode"] == "lexical" and found["results"][0]["document"] == "regulations.docx"
        session = f"shared-{os.getpid()}"
        asked = httpx.post(first.url + "/api/query", json={"question": "beard approval officers", "collection": collection, "session_id": session}, timeout=60).json()
        assert asked["session_id"] == session and asked["sources"][0]["document"] == "regulations.docx"
        httpx.post(second.url + "/api/query", json={"question": "and for sailors?", "collection": collection, "session_id": session}, timeout=60).raise_for_status()
        turns = httpx.get(first.url + f"/api/sessions/{session}").json()["turns"]
        assert [turn["question"] for turn in turns] == ["beard approval officers", "and for sailors?"]
        assert httpx.delete(second.url + f"/api/sessions/{session}").status_code == 200
        document = httpx.get(second.url + "/api/documents", params={"collection": collection}).json()["documents"][0]
        assert httpx.delete(f"{second.url}/api/documents/{document['id']}").status_code == 200
        assert httpx.get(first.url + "/api/documents", params={"collection": collection}).json()["documents"] == []
    finally:
        assert first.stop() == 0 and second.stop() == 0
