"""The inline chat path against the routes: the same requests, to two `ferry serve`s over identical FerrySims — one
with `gateway.inline_chat` on (the default), one with it off — must get the same answers: status, headers (but ids,
dates and timings) and bodies event by event. And the fast path must really be used: losing it fails here.

Each run starts its own simulators with the same faults, so that request counts (which decide when a fault fires)
are the same in both runs.
"""
import http.client
import json
import os
import re
import socket
import tempfile
import threading
import time
import urllib.parse

import httpx
import pytest

from conftest import FERRY_BIN, RunningProcess, WEATHER_TOOL, start_sim


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONFIG = """
backends:
  vllm: {{provider: vllm, url: "{vllm}/v1", model: demo}}
  ollama: {{provider: ollama, url: "{ollama}", model: "qwen2.5:1.5b"}}
  flaky: {{provider: vllm, url: "{flaky}/v1", model: demo}}
  broken: {{provider: vllm, url: "{broken}/v1", model: demo}}
  cut: {{provider: vllm, url: "{cut}/v1", model: demo}}
  garbled: {{provider: vllm, url: "{garbled}/v1", model: demo}}
  hanging: {{provider: vllm, url: "{hanging}/v1", model: demo}}
  slow: {{provider: vllm, url: "{slow}/v1", model: demo}}
  wrongmodel: {{provider: vllm, url: "{vllm}/v1", model: not-served-here}}
  dead: {{provider: vllm, url: "http://127.0.0.1:{dead}/v1", model: demo}}
routes:
  default: {{backends: [vllm, ollama]}}
  on-ollama: {{backends: [ollama]}}
  flaky-first: {{backends: [flaky, vllm], retry: {{attempts: 3, base_delay: 10ms, max_delay: 20ms}}}}
  broken-only: {{backends: [broken], retry: {{attempts: 2, base_delay: 10ms, max_delay: 20ms}}}}
  dead-first: {{backends: [dead, ollama], retry: {{attempts: 3, base_delay: 10ms, max_delay: 20ms}}}}
  cut: {{backends: [cut], retry: {{attempts: 1}}}}
  garbled: {{backends: [garbled], retry: {{attempts: 1}}}}
  hanging: {{backends: [hanging], retry: {{attempts: 1}}, timeouts: {{first_event: 300ms, total: 400ms}}}}
  slow: {{backends: [slow]}}
  wrong-model: {{backends: [wrongmodel], retry: {{attempts: 1}}}}
  cached: {{backends: [vllm], cache: {{enabled: true}}}}
cache:
  store: memory
  enabled: false
circuit:
  threshold: 1000
  cooldown: 1s
health:
  interval: 600s
gateway:
  inline_chat: {inline}
"""

HELLO = [{"role": "user", "content": "Hello there"}]
WEATHER = [{"role": "user", "content": "use get_weather for Oslo"}]
OLLAMA_TOOL = {"type": "function", "function": WEATHER_TOOL["function"]}
ANTHROPIC_TOOL = {"name": "get_weather", "description": "Weather", "input_schema": WEATHER_TOOL["function"]["parameters"]}


RESPONSES_TOOL = {"type": "function", "name": "get_weather", "description": "Weather", "parameters": WEATHER_TOOL["function"]["parameters"]}


def respond(model, stream=None, **extra):
    body = {"model": model, "input": extra.pop("input", "Hello there"), **extra}
    if stream is not None:
        body["stream"] = stream
    return json.dumps(body).encode()


def chat(model, stream=None, **extra):
    body = {"model": model, "messages": extra.pop("messages", HELLO), **extra}
    if stream is not None:
        body["stream"] = stream
    return json.dumps(body).encode()


# (name, path, body bytes, extra headers)
MATRIX = [
    ("openai whole", "/v1/chat/completions", chat("default"), {}),
    ("openai stream", "/v1/chat/completions", chat("default", True), {}),
    ("openai stream with usage", "/v1/chat/completions", chat("default", True, stream_options={"include_usage": True}), {}),
    ("openai whole from ollama", "/v1/chat/completions", chat("on-ollama"), {}),
    ("openai stream from ollama", "/v1/chat/completions", chat("on-ollama", True), {}),
    ("openai sampling, length", "/v1/chat/completions", chat("default", temperature=0.2, max_tokens=3, seed=7, stop=["zzz"]), {}),
    ("openai tools whole", "/v1/chat/completions", chat("default", messages=WEATHER, tools=[WEATHER_TOOL]), {}),
    ("openai tools stream", "/v1/chat/completions", chat("default", True, messages=WEATHER, tools=[WEATHER_TOOL]), {}),
    ("openai tools from ollama", "/v1/chat/completions", chat("on-ollama", True, messages=WEATHER, tools=[WEATHER_TOOL], tool_choice="auto"), {}),
    ("openai json mode", "/v1/chat/completions", chat("default", response_format={"type": "json_object"}), {}),
    ("ollama whole", "/api/chat", chat("default", False), {}),
    ("ollama stream", "/api/chat", chat("default"), {}),
    ("ollama from ollama", "/api/chat", chat("on-ollama", False), {}),
    ("ollama stream from ollama", "/api/chat", chat("on-ollama", True), {}),
    ("ollama tools", "/api/chat", chat("default", False, messages=WEATHER, tools=[OLLAMA_TOOL]), {}),
    ("ollama options", "/api/chat", chat("default", False, options={"temperature": 0, "num_predict": 4}), {}),
    ("unknown model", "/v1/chat/completions", chat("no-such-route"), {}),
    ("unknown model, ollama", "/api/chat", chat("no-such-route", False), {}),
    ("model the backend does not serve", "/v1/chat/completions", chat("wrong-model"), {}),
    ("model the backend does not serve, stream", "/v1/chat/completions", chat("wrong-model", True), {}),
    ("invalid JSON", "/v1/chat/completions", b"{not json", {}),
    ("invalid JSON, ollama", "/api/chat", b"{not json", {}),
    ("no messages", "/v1/chat/completions", b'{"model":"default"}', {}),
    ("messages of the wrong type", "/v1/chat/completions", b'{"model":"default","messages":"hi"}', {}),
    ("a bad role", "/v1/chat/completions", b'{"model":"default","messages":[{"role":"wizard","content":"x"}]}', {}),
    ("temperature of the wrong type", "/v1/chat/completions", b'{"model":"default","messages":[{"role":"user","content":"x"}],"temperature":"hot"}', {}),
    ("backend fails once, the same route goes on", "/v1/chat/completions", chat("flaky-first"), {}),
    ("after that, the flaky backend answers", "/v1/chat/completions", chat("flaky-first", True), {}),
    ("backend fails every time", "/v1/chat/completions", chat("broken-only"), {}),
    ("backend fails every time, stream", "/v1/chat/completions", chat("broken-only", True), {}),
    ("backend fails every time, ollama", "/api/chat", chat("broken-only"), {}),
    ("backend down, fallback", "/v1/chat/completions", chat("dead-first"), {}),
    ("backend down, fallback, stream", "/api/chat", chat("dead-first", True), {}),
    ("stream cut mid-way", "/v1/chat/completions", chat("cut", True), {}),
    ("stream cut mid-way, ollama", "/api/chat", chat("cut", True), {}),
    ("malformed answer", "/v1/chat/completions", chat("garbled"), {}),
    ("malformed stream", "/v1/chat/completions", chat("garbled", True), {}),
    ("backend hangs", "/v1/chat/completions", chat("hanging"), {}),
    ("backend hangs, stream", "/api/chat", chat("hanging", True), {}),
    ("connection: close", "/v1/chat/completions", chat("default"), {"Connection": "close"}),
    # A route with a memory cache: hits are answered on the inline path, the rest by the routes.
    ("cached, stored", "/v1/chat/completions", chat("cached", temperature=0), {}),
    ("cached, replayed whole", "/v1/chat/completions", chat("cached", temperature=0), {}),
    ("cached, replayed as a stream", "/v1/chat/completions", chat("cached", True, temperature=0, stream_options={"include_usage": True}), {}),
    ("cached, replayed to ollama whole", "/api/chat", chat("cached", False, options={"temperature": 0}), {}),
    ("cached, replayed as an ollama stream", "/api/chat", chat("cached", True, options={"temperature": 0}), {}),
    ("cached, no-cache", "/v1/chat/completions", chat("cached", temperature=0), {"Cache-Control": "no-cache"}),
    ("cached, bypass", "/v1/chat/completions", chat("cached", temperature=0), {"x-ferry-cache": "bypass"}),
    ("cached, not deterministic", "/v1/chat/completions", chat("cached", temperature=0.7), {}),
    ("cached, replayed, connection: close", "/v1/chat/completions", chat("cached", temperature=0), {"Connection": "close"}),
    ("a query string", "/v1/chat/completions?trace=1", chat("default"), {}),
    ("a forged prior attempt header", "/v1/chat/completions", chat("default"), {"x-ferry-prior-attempt": "1"}),
    # Anthropic's Messages API on the same paths.
    ("anthropic whole", "/v1/messages", chat("default", max_tokens=64), {}),
    ("anthropic stream", "/v1/messages", chat("default", True, max_tokens=64), {}),
    ("anthropic whole from ollama", "/v1/messages", chat("on-ollama", max_tokens=64), {}),
    ("anthropic stream from ollama", "/v1/messages", chat("on-ollama", True, max_tokens=64), {}),
    ("anthropic tools stream", "/v1/messages", chat("default", True, max_tokens=64, messages=WEATHER, tools=[ANTHROPIC_TOOL]), {}),
    ("anthropic without max_tokens", "/v1/messages", chat("default"), {}),
    ("anthropic, backend fails every time", "/v1/messages", chat("broken-only", max_tokens=8), {}),
    ("anthropic, stream cut mid-way", "/v1/messages", chat("cut", True, max_tokens=64), {}),
    ("anthropic, backend down, fallback", "/v1/messages", chat("dead-first", True, max_tokens=64), {}),
    ("anthropic, cached hit", "/v1/messages", chat("cached", True, max_tokens=64, temperature=0), {}),
    # The Responses API on the same paths.
    ("responses whole", "/v1/responses", respond("default"), {}),
    ("responses stream", "/v1/responses", respond("default", True), {}),
    ("responses whole from ollama", "/v1/responses", respond("on-ollama", instructions="Be brief."), {}),
    ("responses stream from ollama", "/v1/responses", respond("on-ollama", True, max_output_tokens=5), {}),
    ("responses tools stream", "/v1/responses", respond("default", True, input="use get_weather for Oslo", tools=[RESPONSES_TOOL]), {}),
    ("responses, not stored", "/v1/responses", respond("default", True, store=False), {}),
    ("responses, unknown previous_response_id", "/v1/responses", respond("default", previous_response_id="resp_nothing"), {}),
    ("responses, input of the wrong type", "/v1/responses", respond("default", input=7), {}),
    ("responses, backend fails every time", "/v1/responses", respond("broken-only"), {}),
    ("responses, stream cut mid-way", "/v1/responses", respond("cut", True), {}),
    ("responses, backend down, fallback", "/v1/responses", respond("dead-first", True), {}),
    ("responses, a route with a cache", "/v1/responses", respond("cached", temperature=0), {}),
]

# Values that differ from one request to the next whichever path answers.
VOLATILE_HEADERS = {"date", "x-request-id", "x-ferry-overhead-ms", "content-length"}
VOLATILE_KEYS = {"id", "created", "created_at", "system_fingerprint", "total_duration", "load_duration",
                 "prompt_eval_duration", "eval_duration", "item_id", "previous_response_id"}


def normalised_json(value):
    if isinstance(value, dict):
        return {key: normalised_json(item) for key, item in value.items() if key not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [normalised_json(item) for item in value]
    return value


def normalised_text(text):
    # Request ids quoted in error hints; the simulators' ports, which differ between the two runs.
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", text)
    return re.sub(r"127\.0\.0\.1:[0-9]+", "127.0.0.1:<port>", text)


def events(content_type, body):
    """The body as its events: SSE data fields, NDJSON lines, or one JSON document; JSON parsed with types kept."""
    text = body.decode("utf-8", errors="replace")
    if content_type.startswith("text/event-stream"):
        parts = [line[len("data: "):] for line in text.split("\n") if line.startswith("data: ")]
    elif content_type.startswith("application/x-ndjson"):
        parts = [line for line in text.split("\n") if line.strip()]
    else:
        parts = [text]
    out = []
    for part in parts:
        try:
            out.append(normalised_json(json.loads(normalised_text(part))))
        except ValueError:
            out.append(normalised_text(part))
    return out


def answer(url, path, body, headers):
    parsed = urllib.parse.urlparse(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        data = response.read()
        fields = sorted((name.lower(), value) for name, value in response.getheaders() if name.lower() not in VOLATILE_HEADERS)
        framing = "chunked" if response.getheader("transfer-encoding") else "length"
        return {"status": response.status, "reason": response.reason, "headers": fields, "framing": framing,
                "events": events(response.getheader("content-type", ""), data)}
    finally:
        connection.close()


def pipelined(url, one=chat("default"), two=chat("on-ollama", False)):
    """Two requests written at once on one connection: both answers, in order, as raw bytes."""
    parsed = urllib.parse.urlparse(url)
    request = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(one)}\r\n\r\n".encode() + one +
               f"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Length: {len(two)}\r\nConnection: close\r\n\r\n".encode() + two)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    answers = []
    while data:
        head, _, data = data.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        fields = dict(line.lower().split(": ", 1) for line in lines[1:])
        if "content-length" in fields:
            length = int(fields["content-length"])
            body, data = data[:length], data[length:]
        else:
            body = b""
            while True:
                size_line, _, data = data.partition(b"\r\n")
                size = int(size_line, 16)
                body, data = body + data[:size], data[size + 2:]
                if size == 0:
                    break
        answers.append({"status": lines[0], "headers": sorted((k, v) for k, v in fields.items() if k not in VOLATILE_HEADERS | {"transfer-encoding"}),
                        "framing": "length" if "content-length" in fields else "chunked",
                        "events": events(fields.get("content-type", ""), body)})
    return answers


def continued(url, stream):
    """A Responses conversation of two turns — the second going on from the first by `previous_response_id` — then
    the first fetched by id: the second turn's answer and what GET returned."""
    first = httpx.post(url + "/v1/responses", content=respond("default", input="My name is Ada."), timeout=30).json()
    second = answer(url, "/v1/responses", respond("default", stream, input="What is my name?", previous_response_id=first["id"]), {})
    fetched = httpx.get(url + "/v1/responses/" + first["id"], timeout=30)
    return {"second": second, "fetched": [fetched.status_code, normalised_json(fetched.json())], "first": normalised_json(first)}


def leave_after_first_event(url, body):
    """Sends a streamed chat request, reads until its first event, and closes the connection: what it got."""
    parsed = urllib.parse.urlparse(url)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=30) as sock:
        sock.sendall(f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
        received = b""
        while b"data: " not in received:
            received += sock.recv(4096)
    return received


def disconnect(url, slow_sim):
    """A client that leaves a slow stream after its first event: the backend's request must be stopped."""
    received = leave_after_first_event(url, chat("slow", True, messages=[{"role": "user", "content": "a long answer"}]))
    status = received.split(b"\r\n", 1)[0].decode()
    for _ in range(200):
        stats = httpx.get(slow_sim.url + "/_sim/stats", timeout=10).json()["stats"]
        if stats["running"] == 0:
            break
        time.sleep(0.02)
    in_flight = {backend["name"]: backend.get("in_flight") for route in httpx.get(url + "/status", timeout=10).json()["routes"]
                 for backend in route["backends"] if backend["name"] == "slow"}
    return {"status": status, "sim": {key: stats[key] for key in ("running", "completed", "failed")}, "in_flight": in_flight}


def run(inline):
    """Every request of the matrix against a `ferry serve` with the inline path on or off, over fresh simulators."""
    sims = {
        "vllm": start_sim("vllm", "demo"),
        "ollama": start_sim("ollama", "qwen2.5:1.5b"),
        "flaky": start_sim("vllm", "demo", extra=["--fault", "503@1"]),
        "broken": start_sim("vllm", "demo", extra=["--fault", "500"]),
        # Tokens apart in time: cut at once after them, what reaches the client depends on reads racing the reset.
        "cut": start_sim("vllm", "demo", extra=["--fault", "drop:3"], tokens_per_second=50),
        "garbled": start_sim("vllm", "demo", extra=["--fault", "malformed"]),
        "hanging": start_sim("vllm", "demo", extra=["--fault", "hang"]),
        "slow": start_sim("vllm", "demo", tokens_per_second=10),
    }
    handle, path = tempfile.mkstemp(suffix=".yaml")
    with os.fdopen(handle, "w") as file:
        file.write(CONFIG.format(dead=free_port(), inline="true" if inline else "false", **{name: sim.url for name, sim in sims.items()}))
    ferry = RunningProcess([FERRY_BIN, "serve", "--config", path, "--host", "127.0.0.1", "--port", "0", "--log-level", "error"])
    try:
        results = {name: answer(ferry.url, route, body, headers) for name, route, body, headers in MATRIX}
        results["pipelined"] = pipelined(ferry.url)
        results["pipelined cache hits"] = pipelined(ferry.url, chat("cached", temperature=0), chat("cached", False, options={"temperature": 0}))
        results["client disconnect"] = disconnect(ferry.url, sims["slow"])
        results["responses continued"] = continued(ferry.url, False)
        results["responses continued, stream"] = continued(ferry.url, True)
        metrics = httpx.get(ferry.url + "/metrics", timeout=10).text
        return results, metrics
    finally:
        assert ferry.stop() == 0
        for sim in sims.values():
            sim.stop()
        os.unlink(path)


def inline_counts(metrics):
    return {match[0]: float(match[1]) for match in re.findall(r'ferry_inline_requests_total\{outcome="(\w+)"\} ([0-9.e+]+)', metrics)}


@pytest.fixture(scope="module")
def runs():
    return {"on": run(True), "off": run(False)}


@pytest.mark.parametrize("name", [name for name, *_ in MATRIX] + ["pipelined", "pipelined cache hits", "client disconnect", "responses continued", "responses continued, stream"])
def test_the_inline_path_answers_as_the_routes_do(runs, name):
    on, off = runs["on"][0][name], runs["off"][0][name]
    assert on == off, f"{name}: inline {json.dumps(on, indent=1)[:3000]}\nroutes {json.dumps(off, indent=1)[:3000]}"


def test_the_matrix_exercises_what_it_claims(runs):
    results = runs["on"][0]
    statuses = {name: result["status"] for name, result in results.items() if "status" in result and isinstance(result["status"], int)}
    assert statuses["openai whole"] == 200 and statuses["openai stream"] == 200
    assert {statuses["unknown model"], statuses["invalid JSON"], statuses["no messages"]} <= set(range(400, 500))
    assert statuses["backend fails every time"] >= 500
    assert dict(results["backend fails once, the same route goes on"]["headers"])["x-ferry-attempts"] == "2"
    assert any("error" in json.dumps(event) for event in results["stream cut mid-way"]["events"])
    assert results["client disconnect"]["sim"] == {"running": 0, "completed": 0, "failed": 1}
    assert statuses["anthropic whole"] == 200 and statuses["anthropic without max_tokens"] == 400
    assert results["anthropic stream"]["events"][-1] == {"type": "message_stop"}
    assert results["anthropic whole"]["events"][0]["type"] == "message"
    assert statuses["responses whole"] == 200 and statuses["responses, unknown previous_response_id"] == 404
    assert statuses["responses, input of the wrong type"] == 400
    assert results["responses stream"]["events"][-1]["type"] == "response.completed"
    assert any(event.get("type") == "response.function_call_arguments.done" for event in results["responses tools stream"]["events"])
    assert "x-ferry-cache" not in dict(results["responses, a route with a cache"]["headers"])
    for name in ("responses continued", "responses continued, stream"):
        assert results[name]["second"]["status"] == 200 and results[name]["fetched"] == [200, results[name]["first"]], results[name]
    cache = {name: dict(result["headers"]).get("x-ferry-cache") for name, result in results.items() if name.startswith("cached")}
    assert cache == {"cached, stored": "miss", "cached, replayed whole": "hit", "cached, replayed as a stream": "hit",
                     "cached, replayed to ollama whole": "hit", "cached, replayed as an ollama stream": "hit",
                     "cached, no-cache": "miss", "cached, bypass": "bypass", "cached, not deterministic": "bypass",
                     "cached, replayed, connection: close": "hit"}, cache
    assert [dict(answer["headers"]).get("x-ferry-cache") for answer in results["pipelined cache hits"]] == ["hit", "hit"]


def test_the_fast_path_serves_plain_chat_and_the_switch_turns_it_off(runs):
    on, off = inline_counts(runs["on"][1]), inline_counts(runs["off"][1])
    # With the switch on, plain chat requests to HTTP backends are served inline; losing the fast path (an installer
    # that no longer finds Hummingbird's codec, say) leaves this at zero.
    assert on.get("served", 0) >= 20, on
    assert on.get("handed_over", 0) >= 3, on     # failed first attempts, unknown models, bodies it does not take
    assert on.get("passed_on", 0) >= 1, on       # the query string, /status, /metrics
    assert sum(off.values()) == 0, off
    assert "ferry_inline_install_failures_total" not in runs["on"][1] or re.search(r"ferry_inline_install_failures_total(\{\})? 0", runs["on"][1])


def test_clients_that_leave_give_their_slots_back():
    """Every exchange releases its concurrency slot however it ends: with room for two requests, four clients that
    leave mid-stream must not stop the next requests from being served inline."""
    slow, fast = start_sim("vllm", "demo", tokens_per_second=10), start_sim("vllm", "demo")
    handle, path = tempfile.mkstemp(suffix=".yaml")
    with os.fdopen(handle, "w") as file:
        file.write(f"""
backends:
  slow: {{provider: vllm, url: "{slow.url}/v1", model: demo}}
  fast: {{provider: vllm, url: "{fast.url}/v1", model: demo}}
routes:
  slow: {{backends: [slow]}}
  fast: {{backends: [fast]}}
server:
  max_concurrent_requests: 2
  queue_timeout: 1s
health:
  interval: 600s
""")
    ferry = RunningProcess([FERRY_BIN, "serve", "--config", path, "--host", "127.0.0.1", "--port", "0", "--log-level", "error"])
    def served_count():
        return inline_counts(httpx.get(ferry.url + "/metrics", timeout=10).text).get("served", 0)

    try:
        for left in range(1, 5):
            leave_after_first_event(ferry.url, chat("slow", True, messages=[{"role": "user", "content": "a long answer"}]))
            # The exchange counts itself served when it has let go of the client, slot included: wait for that
            # (a leaked slot never comes back, and this times out) rather than for a fixed time a loaded machine
            # may need more of.
            deadline = time.monotonic() + 10
            while served_count() < left and time.monotonic() < deadline:
                time.sleep(0.05)
            assert served_count() >= left, f"the exchange of client {left} never let go"
        for _ in range(3):
            result = answer(ferry.url, "/v1/chat/completions", chat("fast"), {})
            assert result["status"] == 200, result
        served = inline_counts(httpx.get(ferry.url + "/metrics", timeout=10).text)
        assert served.get("served", 0) >= 7 and served.get("handed_over", 0) == 0, served
    finally:
        assert ferry.stop() == 0
        slow.stop()
        fast.stop()
        os.unlink(path)
