"""A backend's `passthrough: [messages, responses]`: Anthropic's and the Responses API's requests go to a vLLM
(here a vLLM-dialect FerrySim, which serves both as vLLM does) untranslated, with fallback and routing headers;
a route without it translates the same requests into chat completions."""
import json
import time

import anthropic
import httpx
import openai
import pytest

from conftest import FERRY_BIN, RunningProcess, start_sim

ASK = [{"role": "user", "content": "Explain tides in one line."}]


def stats(sim):
    return httpx.get(sim.url + "/_sim/stats", timeout=10).json()["stats"]


@pytest.fixture(scope="module")
def ferry(tmp_path_factory):
    sim = start_sim("vllm", "demo")
    slow = start_sim("vllm", "demo", tokens_per_second=2)
    config = tmp_path_factory.mktemp("passthrough") / "ferry.yaml"
    config.write_text(
        "backends:\n"
        f"  native: {{provider: vllm, url: \"{sim.url}/v1\", model: demo, passthrough: [messages, responses]}}\n"
        f"  translated: {{provider: vllm, url: \"{sim.url}/v1\", model: demo}}\n"
        "  dead: {provider: vllm, url: \"http://127.0.0.1:9/v1\", model: demo, passthrough: [messages]}\n"
        f"  slow: {{provider: vllm, url: \"{slow.url}/v1\", model: demo, passthrough: [messages, responses]}}\n"
        "routes:\n  native: {backends: [native]}\n  translated: {backends: [translated]}\n"
        "  slow: {backends: [slow], retry: {attempts: 1}, timeouts: {first_event: 5s, idle: 150ms}}\n"
        "  fallback: {backends: [dead, native], retry: {attempts: 3, base_delay: 10ms, max_delay: 20ms}}\n"
        "circuit:\n  threshold: 1000\n"
    )
    process = RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"])
    yield {"url": process.url, "sim": sim, "slow": slow}
    assert process.stop() == 0
    sim.stop()
    slow.stop()


def test_messages_pass_through_untranslated(ferry):
    client = anthropic.Anthropic(base_url=ferry["url"], api_key="unused", max_retries=0)
    before = stats(ferry["sim"])["messagesRequests"]
    raw = client.messages.with_raw_response.create(model="native", max_tokens=32, messages=ASK)
    assert raw.headers["x-ferry-backend"] == "native" and raw.parse().content[0].text
    with client.messages.stream(model="native", max_tokens=32, messages=ASK) as stream:
        assert "".join(stream.text_stream) == raw.parse().content[0].text
    assert stats(ferry["sim"])["messagesRequests"] == before + 2
    client.messages.create(model="translated", max_tokens=32, messages=ASK)
    assert stats(ferry["sim"])["messagesRequests"] == before + 2, "a route without passthrough translates"


def test_passthrough_falls_back_like_chat(ferry):
    client = anthropic.Anthropic(base_url=ferry["url"], api_key="unused", max_retries=0)
    raw = client.messages.with_raw_response.create(model="fallback", max_tokens=16, messages=ASK)
    # The dead backend comes first: tried and failed, or already known down from its health probe.
    assert raw.headers["x-ferry-backend"] == "native" and raw.headers["x-ferry-attempts"] in ("1", "2")


def test_responses_pass_through_untranslated(ferry):
    client = openai.OpenAI(base_url=ferry["url"] + "/v1", api_key="unused", max_retries=0)
    before = stats(ferry["sim"])["responsesRequests"]
    whole = client.responses.create(model="native", input="Explain tides in one line.")
    assert whole.output_text and whole.id.startswith("resp_sim"), "the backend's own response object"
    with client.responses.stream(model="native", input="Explain tides in one line.") as stream:
        assert stream.get_final_response().output_text == whole.output_text
    assert stats(ferry["sim"])["responsesRequests"] == before + 2
    translated = client.responses.create(model="translated", input="Explain tides in one line.")
    assert not translated.id.startswith("resp_sim") and stats(ferry["sim"])["responsesRequests"] == before + 2


def test_a_backend_error_comes_back_in_the_callers_shape(ferry):
    response = httpx.post(ferry["url"] + "/v1/messages", json={"model": "native", "messages": ASK}, timeout=30)
    assert response.status_code == 400 and response.json()["type"] == "error"
    assert "max_tokens" in response.json()["error"]["message"]


def test_a_backend_gone_quiet_mid_answer_is_cut_at_the_idle_limit(ferry):
    # Two tokens a second: 500 ms between the backend's events, past the route's 150 ms idle limit. The answer has
    # begun (its head is out), so it is cut — the stream ends short of its end — instead of waiting on the backend.
    body = {"model": "slow", "max_tokens": 40, "stream": True, "messages": ASK}
    begun = time.monotonic()
    received = b""
    with httpx.Client(timeout=30) as client:
        with client.stream("POST", ferry["url"] + "/v1/messages", json=body) as response:
            assert response.status_code == 200
            try:
                for part in response.iter_raw():
                    received += part
            except httpx.HTTPError:
                pass  # the chunked body ends without its last chunk: the cut
    elapsed = time.monotonic() - begun
    assert elapsed < 5, f"the cut should come about 150 ms after the last event, took {elapsed:.1f} s"
    assert b"message_stop" not in received, "a cut answer must not look finished"
    for _ in range(100):
        if stats(ferry["slow"])["running"] == 0:
            break
        time.sleep(0.05)
    assert stats(ferry["slow"])["running"] == 0, "the backend's request must be stopped"
