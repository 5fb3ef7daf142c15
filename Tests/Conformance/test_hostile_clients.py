"""Slow, stalled, greedy and hostile clients against `ferry serve` (server.idle_timeout 1s, server.max_connections
40): huge headers are refused and the server goes on; idle keep-alive connections and requests stalled half-way are
closed after the idle timeout, while a client silently receiving a long stream is not; a head or a body sent a few
bytes at a time (slowloris) is cut, a slow upload that keeps its rate is not; connections beyond the limit are refused
with 429 in their API's shape; a client that reads its stream slowly holds the gateway's memory bounded
(backpressure)."""
import json
import os
import socket
import time

import httpx
import pytest

from conftest import FERRY_BIN, RunningProcess, rss_mb, start_sim




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
        "server:\n  idle_timeout: 1s\n  body_timeout: 1s\n  body_min_rate: 1000\n  max_connections: 40\n"
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


def read_answer(sock, within=10):
    """The whole answer the server writes before it closes `sock`."""
    sock.settimeout(within)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        pass
    return data


def test_connections_beyond_the_limit_are_refused_in_their_api_shape(gateway):
    held = [connect(gateway.url) for _ in range(40)]
    try:
        time.sleep(0.2)
        shapes = {}
        for path, body in [("/v1/chat/completions", b"{}"), ("/api/chat", b"{}"), ("/v1/messages", b"{}")]:
            with connect(gateway.url) as extra:
                extra.sendall(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n" + body)
                answer = read_answer(extra)
            head, _, payload = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 429"), answer[:200]
            assert b"retry-after: 1" in head.lower() and b"connection: close" in head.lower()
            shapes[path] = json.loads(payload)
        assert "server.max_connections" in shapes["/v1/chat/completions"]["error"]["message"]
        assert "server.max_connections" in shapes["/api/chat"]["error"]
        assert shapes["/v1/messages"]["type"] == "error" and shapes["/v1/messages"]["error"]["type"] == "rate_limit_error"
        # A connection beyond the limit that says nothing is closed without a word.
        with connect(gateway.url) as silent:
            begun = time.monotonic()
            assert closed_by_server(silent, 5)
            print(f"a silent connection beyond server.max_connections closed after {time.monotonic() - begun:.2f} s")
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.3)
    assert ask(gateway.url).status_code == 200


def trickle(sock, data, every, until_closed_within):
    """Sends `data` a few bytes at a time, `every` seconds apart; the seconds until the server closed the
    connection, or None when all was sent (or `until_closed_within` passed) without it closing."""
    begun = time.monotonic()
    for i in range(0, len(data), 4):
        if time.monotonic() - begun > until_closed_within:
            return None
        try:
            sock.sendall(data[i:i + 4])
        except (BrokenPipeError, ConnectionResetError):
            return time.monotonic() - begun
        sock.settimeout(every)
        try:
            if sock.recv(65536) == b"":
                return time.monotonic() - begun
        except socket.timeout:
            pass
        except ConnectionResetError:
            return time.monotonic() - begun
    return None


def test_a_head_sent_a_few_bytes_at_a_time_is_cut_at_the_idle_timeout(gateway):
    head = b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"p" * 400 + b"\r\nContent-Length: 2\r\n\r\n"
    with connect(gateway.url) as sock:
        closed_after = trickle(sock, head, every=0.2, until_closed_within=15)
    assert closed_after is not None and closed_after < 4, closed_after
    print(f"slow head (4 bytes every 0.2 s): closed after {closed_after:.2f} s (server.idle_timeout 1s)")


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/embeddings"])
def test_a_body_sent_a_few_bytes_at_a_time_is_cut_at_the_body_timeout(gateway, path):
    # 20 bytes a second, far below server.body_min_rate (1000 B/s): the body's deadline (1 s, plus a second per
    # 1000 bytes) passes and the connection is closed — on the inline path and the routes alike.
    body = b'{"model":"default","input":"' + b"x" * 4000 + b'"}'
    with connect(gateway.url) as sock:
        sock.sendall(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        closed_after = trickle(sock, body, every=0.2, until_closed_within=15)
    assert closed_after is not None and closed_after < 4, closed_after
    print(f"slow body to {path} (20 B/s): closed after {closed_after:.2f} s (server.body_timeout 1s, body_min_rate 1000)")


def test_a_slow_upload_that_keeps_its_rate_is_served(gateway):
    # 60,000 bytes at about 15,000 B/s: four seconds, past body_timeout, but above body_min_rate all along.
    content = "word " * 12_000
    body = json.dumps({"model": "default", "messages": [{"role": "user", "content": content}], "max_tokens": 5}).encode()
    with connect(gateway.url) as sock:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        begun = time.monotonic()
        for i in range(0, len(body), 3000):
            sock.sendall(body[i:i + 3000])
            time.sleep(0.2)
        took = time.monotonic() - begun
        sock.settimeout(10)
        answer = sock.recv(65536)
    assert took > 3 and answer.startswith(b"HTTP/1.1 200"), answer[:200]


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
