"""Ten thousand idle keep-alive connections against `ferry serve` (server.max_connections 10000): all are held, each
costs a bounded share of memory, the next one is refused with a clear 429, a request on a held connection is
answered, and once they close the process's descriptors go back to where they were."""
import os
import resource
import socket
import time

import httpx
import pytest

from conftest import FERRY_BIN, RunningProcess, rss_mb, start_sim

COUNT = 10_000




def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def wait_for(condition, within):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_ten_thousand_idle_keep_alive_connections(tmp_path):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < COUNT + 1000:
        pytest.skip(f"the open-file hard limit is {hard}: {COUNT} client sockets need more")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    sim = start_sim("vllm", "demo")
    config = tmp_path / "ferry.yaml"
    config.write_text(
        f"backends:\n  sim: {{provider: vllm, url: \"{sim.url}/v1\", model: demo}}\nroutes:\n  default: {{backends: [sim]}}\n"
        f"server:\n  idle_timeout: 120s\n  max_connections: {COUNT}\n"
    )
    ferry = RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"],
                           env={**os.environ, "FERRY_DATA_DIR": str(tmp_path / "data")})
    held = []
    try:
        pid = ferry.process.pid
        host, port = ferry.url.removeprefix("http://").split(":")
        assert httpx.get(ferry.url + "/health", timeout=10).status_code == 200
        time.sleep(0.5)
        fds_before, rss_before = open_fds(pid), rss_mb(pid)
        begun = time.monotonic()
        for _ in range(COUNT):
            held.append(socket.create_connection((host, int(port)), timeout=10))
        opened = time.monotonic() - begun
        # Accepted and holding a place: the process has a descriptor for each.
        assert wait_for(lambda: open_fds(pid) >= fds_before + COUNT, 30), open_fds(pid) - fds_before
        fds_held, rss_held = open_fds(pid), rss_mb(pid)
        # One more is refused, with an answer that says why.
        with socket.create_connection((host, int(port)), timeout=10) as extra:
            extra.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n")
            extra.settimeout(10)
            answer = extra.recv(65536)
        assert answer.startswith(b"HTTP/1.1 429") and b"server.max_connections" in answer, answer[:300]
        # A held connection is served.
        held[COUNT // 2].sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        held[COUNT // 2].settimeout(10)
        assert held[COUNT // 2].recv(65536).startswith(b"HTTP/1.1 200")
        for sock in held:
            sock.close()
        held.clear()
        assert wait_for(lambda: open_fds(pid) <= fds_before + 5, 30), open_fds(pid) - fds_before
        fds_after, rss_after = open_fds(pid), rss_mb(pid)
        per_connection_kb = (rss_held - rss_before) * 1024 / COUNT
        print(
            f"{COUNT} idle keep-alive connections opened in {opened:.1f} s; ferry's descriptors {fds_before} → {fds_held} → {fds_after}, "
            f"resident memory {rss_before:.1f} → {rss_held:.1f} → {rss_after:.1f} MB ({per_connection_kb:.1f} KB a connection); "
            "the next one refused with 429"
        )
        assert per_connection_kb < 64, per_connection_kb
        assert httpx.post(ferry.url + "/v1/chat/completions", json={"model": "default", "messages": [{"role": "user", "content": "hi"}]}, timeout=30).status_code == 200
    finally:
        for sock in held:
            sock.close()
        assert ferry.stop() == 0
        sim.stop()
