"""SIGTERM under load: `ferry serve` with a backend it launched (FerrySim, 20 tokens a second) and twenty streams in
flight. On SIGTERM it stops taking connections, lets every stream run to its end, then exits 0 — and the backend
it launched is gone with it."""
import concurrent.futures
import json
import os
import signal
import socket
import time
import urllib.request

import httpx

from conftest import FERRY_BIN, RunningProcess


def test_sigterm_under_load_drains_every_stream_then_exits_with_no_backend_left(tmp_path):
    config = tmp_path / "ferry.yaml"
    config.write_text(
        "backends:\n  sim:\n    model: demo\n    launch:\n      preset: sim\n      extra_args: [\"--ttft\", \"0\", \"--tokens-per-second\", \"20\"]\n"
        "routes:\n  default:\n    backends: [sim]\n"
    )
    gateway = RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"],
                             env={**os.environ, "FERRY_DATA_DIR": str(tmp_path / "data")})
    host, port = gateway.url.removeprefix("http://").split(":")
    try:
        backend_pid = None
        for _ in range(100):
            process = json.loads(urllib.request.urlopen(gateway.url + "/status", timeout=10).read())["routes"][0]["backends"][0]["process"]
            if process.get("pid") and process.get("phase") == "ready":
                backend_pid = process["pid"]
                break
            time.sleep(0.1)
        assert backend_pid, process
        started = []

        def stream(index):
            body = {"model": "default", "messages": [{"role": "user", "content": f"a long answer {index}"}], "max_tokens": 40, "stream": True}
            finish = None
            with httpx.stream("POST", gateway.url + "/v1/chat/completions", json=body, timeout=60) as response:
                for line in response.iter_lines():
                    if line.startswith("data: {"):
                        started.append(index)
                        for choice in json.loads(line[6:]).get("choices", []):
                            finish = choice.get("finish_reason") or finish
            return finish

        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            futures = [pool.submit(stream, index) for index in range(20)]
            while len(set(started)) < 20:
                time.sleep(0.05)
            gateway.process.send_signal(signal.SIGTERM)
            begun = time.monotonic()
            time.sleep(0.3)
            # Draining: new connections are not taken.
            refused = False
            try:
                with socket.create_connection((host, int(port)), timeout=2) as sock:
                    sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                    sock.settimeout(2)
                    refused = sock.recv(1024) == b""
            except OSError:
                refused = True
            assert refused, "a connection made after SIGTERM must not be served"
            finishes = [future.result() for future in futures]
        assert all(finish in ("stop", "length") for finish in finishes), finishes
        assert gateway.process.wait(timeout=30) == 0
        print(f"SIGTERM with 20 streams in flight: all 20 finished, ferry exited 0 {time.monotonic() - begun:.1f} s after the signal")
    finally:
        gateway.stop()
    for _ in range(50):
        if not os.path.exists(f"/proc/{backend_pid}"):
            break
        time.sleep(0.1)
    assert not os.path.exists(f"/proc/{backend_pid}"), "the launched backend must be gone"
