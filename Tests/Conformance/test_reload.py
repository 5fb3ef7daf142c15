"""Reloading routes and backends while `ferry serve` answers: SIGHUP applies a new configuration at once, a change
to the file within `server.reload_interval`; a stream in flight finishes on the backend it began with; requests sent
all along from eight clients never fail; a broken file is refused with an error that says why, and the running
configuration stays; a setting a reload cannot apply is named as waiting for a restart."""
import os
import signal
import threading
import time

import httpx

from conftest import FERRY_BIN, RunningProcess, start_sim


def config(text, routes):
    return (
        "backends:\n"
        f"  one: {{provider: vllm, url: \"{text['one']}/v1\", model: demo}}\n"
        f"  two: {{provider: ollama, url: \"{text['two']}\", model: demo}}\n"
        f"routes:\n{routes}"
        "server:\n  reload_interval: 1s\n"
    )


def backend_of(url, model="default"):
    answer = httpx.post(url + "/v1/chat/completions", json={"model": model, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 5}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.headers["x-ferry-backend"]


def eventually(check, within):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return time.monotonic()
        time.sleep(0.05)
    return None


def test_reload_under_load(tmp_path):
    slow = start_sim("vllm", "demo", tokens_per_second=10)
    other = start_sim("ollama", "demo")
    urls = {"one": slow.url, "two": other.url}
    path = tmp_path / "ferry.yaml"
    path.write_text(config(urls, "  default: {backends: [one]}\n"))
    ferry = RunningProcess([FERRY_BIN, "serve", "--config", str(path), "--host", "127.0.0.1", "--port", "0", "--log-level", "info"],
                           env={**os.environ, "FERRY_DATA_DIR": str(tmp_path / "data")})
    stop = threading.Event()
    outcomes = {"ok": 0, "failed": []}
    lock = threading.Lock()

    def client():
        with httpx.Client(timeout=30) as http:
            while not stop.is_set():
                try:
                    answer = http.post(ferry.url + "/v1/chat/completions", json={"model": "default", "messages": [{"role": "user", "content": "load"}], "max_tokens": 2})
                    with lock:
                        if answer.status_code == 200:
                            outcomes["ok"] += 1
                        else:
                            outcomes["failed"].append(f"{answer.status_code} {answer.text[:200]}")
                except httpx.HTTPError as error:
                    with lock:
                        outcomes["failed"].append(repr(error))

    streamed = {}

    def stream():
        body = ""
        with httpx.stream("POST", ferry.url + "/v1/chat/completions", timeout=60,
                          json={"model": "default", "stream": True, "max_tokens": 30, "messages": [{"role": "user", "content": "a long answer"}]}) as answer:
            streamed["backend"] = answer.headers["x-ferry-backend"]
            for text in answer.iter_text():
                body += text
        streamed["body"] = body

    try:
        assert backend_of(ferry.url) == "one"
        clients = [threading.Thread(target=client) for _ in range(8)]
        for thread in clients:
            thread.start()
        in_flight = threading.Thread(target=stream)
        in_flight.start()
        time.sleep(0.5)

        # SIGHUP: the new routes at once.
        path.write_text(config(urls, "  default: {backends: [two]}\n  extra: {backends: [one]}\n"))
        signalled = time.monotonic()
        ferry.process.send_signal(signal.SIGHUP)
        switched = eventually(lambda: backend_of(ferry.url) == "two", 5)
        assert switched is not None, "SIGHUP did not move the default route to `two`"
        assert "extra" in [model["id"] for model in httpx.get(ferry.url + "/v1/models", timeout=10).json()["data"]]
        assert backend_of(ferry.url, "extra") == "one"
        print(f"SIGHUP: new routes answering {switched - signalled:.2f} s later")

        # The stream begun before the reload ends whole, on the backend it began with.
        in_flight.join(30)
        assert streamed["backend"] == "one" and streamed["body"].rstrip().endswith("data: [DONE]"), streamed
        assert streamed["body"].count('"content"') >= 20

        # A change to the file alone, within reload_interval (1 s).
        changed = time.monotonic()
        path.write_text(config(urls, "  default: {backends: [one]}\n") + "  port: 9\n")
        back = eventually(lambda: backend_of(ferry.url) == "one", 6)
        assert back is not None, "a change to the file was not picked up"
        print(f"file change: new routes answering {back - changed:.2f} s later")

        # A broken file: refused, said, and the running routes stay.
        path.write_text(config(urls, "  default: {backends: [nowhere]}\n"))
        ferry.process.send_signal(signal.SIGHUP)
        assert eventually(lambda: any("not reloaded" in line for line in ferry.output), 5), "a broken configuration was not reported"
        assert backend_of(ferry.url) == "one"
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in clients:
            thread.join(30)
        log = "".join(ferry.output)
        code = ferry.stop()
        slow.stop()
        other.stop()
    assert code == 0
    assert outcomes["failed"] == [], outcomes["failed"][:5]
    assert outcomes["ok"] > 50
    assert "Changed settings take effect on a restart" in log and "server.port" in log
    refused = [line for line in log.splitlines() if "not reloaded" in line]
    assert refused and "nowhere" in log, refused
    print(f"{outcomes['ok']} requests from 8 clients across three reloads and a refused one: none failed")
