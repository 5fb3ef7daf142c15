"""Slow, stalled, greedy and hostile clients against `ferry serve` (server.idle_timeout 1s, server.max_connections
40): huge headers are refused and the server goes on; idle keep-alive connections and requests stalled half-way are
closed after the idle timeout, while a client silently receiving a long stream is not; connections beyond the limit
wait until one closes; a client that reads its stream slowly holds the gateway's memory bounded (backpressure)."""
import os
import pathlib
import socket
import time

import httpx
import pytest

from conftest import FERRY_BIN, RunningProcess, start_sim


def rss_mb(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def connect(url):
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def closed_by_server(sock, within):
    """Whether the server closes `sock` within `within` seconds (reads EOF or a reset)."""
    sock.settimeout(within)
    try:
        return sock.recv(65536) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    fast = start_sim("vllm", "demo", extra=["--answer-tokens", "200000"])
    slow = start_sim("vllm", "demo", tokens_per_second=10)
    folder = tmp_path_factory.mktemp("hostile")
    config = folder / "ferry.yaml"
    config.write_text(
        f"backends:\n  fast: {{provider: vllm, url: \"{fast.url}/v1\", model: demo}}\n  slow: {{provider: vllm, url: \"{slow.url}/v1\", model: demo}}\n"
        "routes:\n  default: {backends: [fast]}\n  slow: {backends: [slow]}\n"
        "server:\n  idle_timeout: 1s\n  max_connections: 40\n"
    )
    ferry = RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"],
                           env={**os.environ, "FERRY_DATA_DIR": str(folder / "data")})
    yield ferry
    assert ferry.stop() == 0
    fast.stop()
    slow.stop()


def ask(url, **extra):
    return httpx.post(url + "/v1/chat/completions", json={"model": "default", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 20, **extra}, timeout=30)


def test_huge_headers_are_refused_and_the_server_goes_on(gateway):
    with connect(gateway.url) as sock:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Huge: " + b"a" * (200 << 10) + b"\r\nContent-Length: 2\r\n\r\n{}")
        sock.settimeout(10)
        try:
            answer = sock.recv(65536)
        except ConnectionResetError:
            answer = b""
    assert answer == b"" or answer.startswith((b"HTTP/1.1 4", b"HTTP/1.0 4")), answer[:100]
    assert ask(gateway.url).status_code == 200


def test_idle_and_stalled_connections_are_closed_after_the_idle_timeout(gateway):
    idle = [connect(gateway.url) for _ in range(10)]
    stalled = [connect(gateway.url) for _ in range(5)]
    for sock in stalled:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"model\":")
    begun = time.monotonic()
    assert all(closed_by_server(sock, 5) for sock in idle + stalled)
    print(f"15 idle or stalled connections closed {time.monotonic() - begun:.2f} s after they went silent (server.idle_timeout 1s)")
    for sock in idle + stalled:
        sock.close()


def test_a_client_silently_receiving_a_long_stream_is_not_cut(gateway):
    # Ten tokens a second for forty tokens: four seconds of a stream during which the client sends nothing.
    begun = time.monotonic()
    with httpx.stream("POST", gateway.url + "/v1/chat/completions", json={"model": "slow", "messages": [{"role": "user", "content": "a long answer"}],
                                                                          "max_tokens": 40, "stream": True}, timeout=30) as response:
        body = response.read().decode()
    assert time.monotonic() - begun > 2 and "data: [DONE]" in body


def test_connections_beyond_the_limit_wait_until_one_closes(gateway):
    held = [connect(gateway.url) for _ in range(40)]
    try:
        time.sleep(0.2)
        # The 41st connection is not accepted yet: its request waits in the listen backlog…
        waiting = connect(gateway.url)
        waiting.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        waiting.settimeout(0.5)
        with pytest.raises(socket.timeout):
            waiting.recv(1024)
        # …until one of the 40 closes (here: the idle timeout closes them all).
        waiting.settimeout(10)
        begun = time.monotonic()
        assert waiting.recv(1024).startswith(b"HTTP/1.1 200")
        print(f"a connection beyond server.max_connections was served {time.monotonic() - begun:.2f} s later, when others closed")
        waiting.close()
    finally:
        for sock in held:
            sock.close()


def test_a_slow_reader_holds_memory_bounded(gateway):
    pid = gateway.process.pid
    before = rss_mb(pid)
    # A large streamed answer (200,000 tokens from FerrySim at full speed: some 10 MB of events), read a few
    # kilobytes at a time with pauses: the gateway must stop reading the backend, not buffer the answer.
    request = (b'{"model":"default","stream":true,"messages":[{"role":"user","content":"everything"}]}')
    with connect(gateway.url) as sock:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + str(len(request)).encode() + b"\r\n\r\n" + request)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        received, peak = 0, before
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline:
            chunk = sock.recv(4096)
            if not chunk:
                break
            received += len(chunk)
            peak = max(peak, rss_mb(pid))
            time.sleep(0.01)
    print(f"slow reader: {received >> 10} KB read in 6 s; the gateway's resident memory {before:.1f} → peak {peak:.1f} MB")
    assert received > 64 << 10
    assert peak - before < 30, f"memory grew {peak - before:.1f} MB while a client read slowly"
    assert ask(gateway.url).status_code == 200
