"""The official openai and ollama SDKs talking to `ferry serve`, in front of FerrySim backends of each dialect."""
import json
import signal
import threading
import time

import httpx

import ollama
import openai
import pytest

from conftest import WEATHER_TOOL, start_gateway, start_sim

@pytest.fixture(scope="module")
def oai(gateway):
    return openai.OpenAI(base_url=gateway.url + "/v1", api_key="unused", max_retries=0, timeout=30)


@pytest.fixture(scope="module")
def oll(gateway):
    return ollama.Client(host=gateway.url, timeout=30)


def test_openai_models_and_chat(oai):
    assert {m.id for m in oai.models.list()} >= {"default", "on-vllm", "on-ollama"}
    completion = oai.chat.completions.create(model="default", messages=[{"role": "user", "content": "Hello"}])
    assert completion.choices[0].message.content
    assert completion.usage.completion_tokens > 0


def test_openai_stream_with_usage(oai):
    text, usage = "", None
    for chunk in oai.chat.completions.create(model="default", messages=[{"role": "user", "content": "Hello"}], max_tokens=6,
                                             stream=True, stream_options={"include_usage": True}):
        usage = chunk.usage or usage
        text += "".join(c.delta.content or "" for c in chunk.choices)
    assert usage.completion_tokens == 6 and len(text.split()) == 6


@pytest.mark.parametrize("route", ["on-vllm", "on-ollama", "on-gemini"])
def test_openai_streamed_tool_call_from_either_backend(oai, route):
    # From Ollama, whole tool calls become OpenAI deltas that the SDK reassembles.
    with oai.chat.completions.stream(model=route, messages=[{"role": "user", "content": "use get_weather for Oslo"}], tools=[WEATHER_TOOL]) as stream:
        for _ in stream:
            pass
        final = stream.get_final_completion()
    call = final.choices[0].message.tool_calls[0]
    assert final.choices[0].finish_reason == "tool_calls"
    assert call.function.name == "get_weather" and call.id
    assert isinstance(json.loads(call.function.arguments)["city"], str)


def test_openai_completions_and_embeddings(oai):
    assert oai.completions.create(model="on-vllm", prompt="Once", max_tokens=3).choices[0].finish_reason == "length"
    vectors = oai.embeddings.create(model="default", input=["a", "b"])
    assert len(vectors.data) == 2 and len(vectors.data[0].embedding) == 384


def test_openai_errors_in_openai_shape(oai):
    with pytest.raises(openai.NotFoundError) as missing:
        oai.chat.completions.create(model="gpt-9", messages=[{"role": "user", "content": "x"}])
    assert "default" in str(missing.value)
    with pytest.raises(openai.BadRequestError) as bad:
        oai.chat.completions.create(model="default", messages=[{"role": "user", "content": "x"}], temperature=7)
    assert "temperature" in str(bad.value)


def test_ollama_client_reaches_vllm(oll):
    whole = oll.chat(model="on-vllm", messages=[{"role": "user", "content": "Hello"}])
    assert whole.message.content and whole.done
    parts = list(oll.chat(model="on-vllm", messages=[{"role": "user", "content": "Hello"}], stream=True))
    assert "".join(p.message.content for p in parts) == whole.message.content and parts[-1].done


def test_ollama_tool_call_generate_embed(oll):
    call = oll.chat(model="on-vllm", messages=[{"role": "user", "content": "call get_weather"}], tools=[WEATHER_TOOL]).message.tool_calls[0]
    assert call.function.name == "get_weather" and isinstance(call.function.arguments, dict)
    assert oll.generate(model="default", prompt="Why?", options={"num_predict": 3}).eval_count == 3
    assert len(oll.embed(model="default", input="x").embeddings[0]) == 384


def test_ollama_list_show_version(oll):
    assert {m.model for m in oll.list().models} >= {"default", "on-vllm"}
    assert "tools" in oll.show("default").capabilities
    assert oll._client.get("/api/version").json()["version"]
    with pytest.raises(ollama.ResponseError) as missing:
        oll.chat(model="llama9", messages=[{"role": "user", "content": "x"}])
    assert missing.value.status_code == 404


def test_primary_killed_half_way_every_call_succeeds():
    vllm, olla = start_sim("vllm", "demo"), start_sim("ollama", "qwen2.5:1.5b")
    ferry = start_gateway(vllm.url, olla.url)
    try:
        oai = openai.OpenAI(base_url=ferry.url + "/v1", api_key="unused", max_retries=0, timeout=30)
        oll = ollama.Client(host=ferry.url, timeout=30)
        answered_by = []
        for index in range(12):
            if index == 6:
                vllm.process.send_signal(signal.SIGKILL)
                vllm.process.wait(timeout=10)
            if index % 2:
                answered_by.append(oai.chat.completions.create(model="default", messages=[{"role": "user", "content": f"q{index}"}]).model)
            else:
                parts = list(oll.chat(model="default", messages=[{"role": "user", "content": f"q{index}"}], stream=True))
                assert parts[-1].done
                answered_by.append(parts[-1].model)
        assert set(answered_by[:6]) == {"demo"}
        assert set(answered_by[6:]) == {"qwen2.5:1.5b"}
    finally:
        assert ferry.stop() == 0
        vllm.stop()
        olla.stop()


def test_routing_headers_and_metrics(gateway, oai):
    raw = oai.chat.completions.with_raw_response.create(model="on-vllm", messages=[{"role": "user", "content": "Hello"}])
    assert raw.headers["x-ferry-backend"] == "vllm"
    assert raw.headers["x-ferry-attempts"] == "1"
    assert float(raw.headers["x-ferry-overhead-ms"]) >= 0
    assert raw.headers["x-request-id"]
    metrics = httpx.get(gateway.url + "/metrics", timeout=10).text
    assert 'ferry_requests_total{' in metrics and 'backend="vllm"' in metrics


def test_api_keys_and_concurrency_limit():
    vllm, olla = start_sim("vllm", "demo", tokens_per_second=20), start_sim("ollama", "qwen2.5:1.5b")
    ferry = start_gateway(vllm.url, olla.url, extra="\nserver:\n  api_keys: [k-123]\n  max_concurrent_requests: 1\n  queue_timeout: 200ms\n")
    try:
        assert httpx.get(ferry.url + "/health", timeout=10).status_code == 200, "probes need no key"
        missing = httpx.get(ferry.url + "/v1/models", timeout=10)
        assert missing.status_code == 401 and "API key" in missing.json()["error"]["message"]
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=ferry.url + "/v1", api_key="wrong", max_retries=0, timeout=30).models.list()
        with pytest.raises(ollama.ResponseError) as unauthorized:
            ollama.Client(host=ferry.url, timeout=30).list()
        assert unauthorized.value.status_code == 401
        assert ollama.Client(host=ferry.url, timeout=30, headers={"Authorization": "Bearer k-123"}).list().models

        client = openai.OpenAI(base_url=ferry.url + "/v1", api_key="k-123", max_retries=0, timeout=30)
        started = threading.Event()

        def hold_the_only_slot():
            for _ in client.chat.completions.create(model="on-vllm", messages=[{"role": "user", "content": "long"}], stream=True):
                started.set()

        holder = threading.Thread(target=hold_the_only_slot)
        holder.start()
        assert started.wait(timeout=20)
        with pytest.raises(openai.RateLimitError) as limited:
            client.chat.completions.create(model="on-ollama", messages=[{"role": "user", "content": "x"}])
        assert limited.value.response.headers.get("retry-after") == "1"
        holder.join(timeout=30)
        assert client.chat.completions.create(model="on-ollama", messages=[{"role": "user", "content": "x"}]).choices
    finally:
        assert ferry.stop() == 0
        vllm.stop()
        olla.stop()


def test_sigterm_lets_an_in_flight_stream_finish():
    vllm, olla = start_sim("vllm", "demo", tokens_per_second=25), start_sim("ollama", "qwen2.5:1.5b")
    ferry = start_gateway(vllm.url, olla.url)
    try:
        client = openai.OpenAI(base_url=ferry.url + "/v1", api_key="unused", max_retries=0, timeout=30)
        finish, chunks = None, 0
        for chunk in client.chat.completions.create(model="on-vllm", messages=[{"role": "user", "content": "a long answer"}], stream=True):
            chunks += 1
            if chunks == 2:
                ferry.process.send_signal(signal.SIGTERM)
            for choice in chunk.choices:
                finish = choice.finish_reason or finish
        assert finish == "stop", "the stream ran to its end after SIGTERM"
        assert chunks > 5
        assert ferry.process.wait(timeout=20) == 0, "then ferry exits cleanly"
    finally:
        ferry.stop()
        vllm.stop()
        olla.stop()


def test_clients_reach_the_gemini_backend(oai, oll):
    assert oai.chat.completions.create(model="on-gemini", messages=[{"role": "user", "content": "Hello"}]).choices[0].message.content
    text = "".join(c.choices[0].delta.content or "" for c in oai.chat.completions.create(
        model="on-gemini", messages=[{"role": "user", "content": "Hello"}], stream=True) if c.choices)
    assert text
    assert oll.chat(model="on-gemini", messages=[{"role": "user", "content": "Hello"}]).message.content


def test_oversize_body_is_413_in_the_callers_dialect(gateway):
    big = "x" * (33 << 20)
    response = httpx.post(gateway.url + "/v1/chat/completions", json={"model": "default", "messages": [{"role": "user", "content": big}]}, timeout=60)
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["error"]["message"]


def test_a_client_that_disconnects_cancels_the_upstream_request():
    vllm, olla = start_sim("vllm", "demo", tokens_per_second=10), start_sim("ollama", "qwen2.5:1.5b")
    ferry = start_gateway(vllm.url, olla.url)
    try:
        with httpx.stream("POST", ferry.url + "/v1/chat/completions", timeout=30,
                          json={"model": "on-vllm", "stream": True, "messages": [{"role": "user", "content": "a long answer"}]}) as response:
            lines = response.iter_lines()
            for _ in range(3):
                next(lines)
        # The connection is closed: the simulated vLLM must stop generating well before its ~3 s answer ends —
        # within a second.
        closed = time.monotonic()
        for _ in range(100):
            stats = httpx.get(vllm.url + "/_sim/stats", timeout=10).json()["stats"]
            if stats["running"] == 0:
                break
            threading.Event().wait(0.01)
        stopped = time.monotonic() - closed
        assert stats["running"] == 0 and stats["completed"] == 0 and stats["failed"] == 1
        assert stopped < 1, stopped
        print(f"client gone mid-stream: the backend's request ended {stopped * 1000:.0f} ms later")
    finally:
        assert ferry.stop() == 0
        vllm.stop()
        olla.stop()


def test_a_client_that_closes_its_side_after_the_request_gets_the_answer(gateway):
    """Like `printf … | nc -N`: the request, then a half-closure; the answer must still come, then the close."""
    import socket
    from urllib.parse import urlparse

    address = urlparse(gateway.url)
    for path, body in [("/v1/chat/completions", {"model": "on-vllm", "messages": [{"role": "user", "content": "hi"}]}),
                       ("/api/chat", {"model": "on-vllm", "stream": False, "messages": [{"role": "user", "content": "hi"}]})]:
        text = json.dumps(body)
        with socket.create_connection((address.hostname, address.port), timeout=30) as connection:
            connection.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(text)}\r\n\r\n{text}".encode())
            connection.shutdown(socket.SHUT_WR)
            received = b""
            while chunk := connection.recv(65536):
                received += chunk
        assert received.startswith(b"HTTP/1.1 200 OK"), (path, received[:200])
        assert b'"content"' in received


def test_pipelined_requests_are_answered_in_order(gateway):
    """Chat requests are served on the connection's event loop, the rest by the routes: sent back to back on one
    connection (HTTP/1.1 pipelining), the answers must still come in the order of the requests."""
    import socket
    from urllib.parse import urlparse

    address = urlparse(gateway.url)
    chat = json.dumps({"model": "on-vllm", "messages": [{"role": "user", "content": "first"}]})
    ollama_chat = json.dumps({"model": "on-vllm", "stream": False, "messages": [{"role": "user", "content": "third"}]})
    requests = (
        f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(chat)}\r\n\r\n{chat}"
        "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n"
        f"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Length: {len(ollama_chat)}\r\n\r\n{ollama_chat}"
        "GET /api/version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection((address.hostname, address.port), timeout=30) as connection:
        connection.sendall(requests.encode())
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    answers = received.decode().split("HTTP/1.1 ")[1:]
    assert [answer.split(" ", 1)[0] for answer in answers] == ["200"] * 4
    assert '"chat.completion"' in answers[0]
    assert '"object":"list"' in answers[1]
    assert '"done":true' in answers[2] and '"message"' in answers[2]
    assert '"version"' in answers[3]


def test_deadlines_hold_for_each_request_on_a_kept_alive_connection():
    """The inline path keeps one deadline timer per connection, moved on from request to request: a hanging answer
    still times out after answered ones, the next request on that connection is served, and a stream that runs past
    the answer limit while its events keep coming is not cut."""
    vllm, olla = start_sim("vllm", "demo", extra=["--fault", "hang@2", "--fault", "hang@4"], tokens_per_second=20), start_sim("ollama", "qwen2.5:1.5b")
    tight = "\n  tight:\n    backends: [vllm]\n    retry: {attempts: 1}\n    timeouts: {first_event: 400ms, idle: 400ms, total: 400ms}"
    ferry = start_gateway(vllm.url, olla.url, routes=tight)
    try:
        request = {"model": "tight", "max_tokens": 3, "messages": [{"role": "user", "content": "hi"}]}
        with httpx.Client(base_url=ferry.url, timeout=30) as client:
            assert client.post("/v1/chat/completions", json=request).status_code == 200
            for hanging in (2, 4):
                started = time.monotonic()
                timed_out = client.post("/v1/chat/completions", json=request | {"stream": hanging == 4})
                waited = time.monotonic() - started
                assert timed_out.status_code == 504, timed_out.text
                assert "did not send" in timed_out.json()["error"]["message"]
                assert 0.35 < waited < 5, f"request {hanging} waited {waited:.2f} s for a 400 ms limit"
                if hanging == 2:
                    assert client.post("/v1/chat/completions", json=request).status_code == 200, "the 3rd request is served"
            # 16 tokens at 20/s: about 0.8 s in all, longer than the 400 ms answer limit, never 400 ms without an event.
            with client.stream("POST", "/v1/chat/completions", json=request | {"stream": True, "max_tokens": 16}) as response:
                assert response.status_code == 200
                events = [line for line in response.iter_lines() if line.startswith("data: ")]
            assert events[-1] == "data: [DONE]" and not any('"error"' in event for event in events)
            assert len(events) >= 16
    finally:
        assert ferry.stop() == 0
        vllm.stop()
        olla.stop()


def test_ollama_durations_show_the_backends_speed():
    """Ollama clients divide eval_count by eval_duration for tokens per second: through Ferry that rate is the
    backend's, for whole and streamed answers of /api/chat and /api/generate, over every backend dialect."""
    speed, ttft = 40, "300ms"
    vllm = start_sim("vllm", "demo", tokens_per_second=speed, ttft=ttft)
    olla = start_sim("ollama", "qwen2.5:1.5b", tokens_per_second=speed, ttft=ttft)
    gem = start_sim("gemini", "gemini-2.0-flash", tokens_per_second=speed, ttft=ttft)
    ferry = start_gateway(vllm.url, olla.url, gemini_url=gem.url)
    try:
        client = ollama.Client(host=ferry.url, timeout=30)
        options = {"num_predict": 12}
        for route in ("on-vllm", "on-ollama", "on-gemini"):
            for stream in (False, True):
                chat = client.chat(model=route, messages=[{"role": "user", "content": "Tell me about ferries"}], options=options, stream=stream)
                generated = client.generate(model=route, prompt="Tell me about ferries", options=options, stream=stream)
                for endpoint, answer in (("chat", chat), ("generate", generated)):
                    last = list(answer)[-1] if stream else answer
                    where = f"{endpoint} on {route}, stream={stream}"
                    assert last.done and last.eval_count > 1, where
                    rate = last.eval_count / (last.eval_duration / 1e9)
                    # The first token ends prompt evaluation, so eval_duration spans eval_count - 1 intervals.
                    assert 0.7 * speed <= rate <= 1.6 * speed, f"{where}: {rate:.1f} tokens/s, the backend makes {speed}"
                    assert 0.25e9 <= last.prompt_eval_duration <= 1.5e9, f"{where}: prompt_eval_duration {last.prompt_eval_duration}"
                    assert last.load_duration == 0, where
                    assert last.total_duration >= last.prompt_eval_duration + last.eval_duration, where
    finally:
        assert ferry.stop() == 0
        for sim in (vllm, olla, gem):
            sim.stop()
