"""The official `anthropic` SDK against `ferry serve`'s Messages API (`/v1/messages`, `count_tokens`) over vLLM-,
Ollama- and Anthropic-dialect FerrySims, and the other way round: OpenAI and Ollama clients through Ferry to an
Anthropic-dialect backend. Also the SDK straight against `ferry sim --dialect anthropic`."""
import json

import anthropic
import httpx
import openai
import pytest

from conftest import RunningProcess, FERRY_BIN, start_sim, WEATHER_TOOL

TOOL = {"name": "get_weather", "description": "Current weather for a city",
        "input_schema": WEATHER_TOOL["function"]["parameters"]}
ASK = [{"role": "user", "content": "Explain tides in one line."}]


@pytest.fixture(scope="module")
def ferry(tmp_path_factory):
    sims = {"vllm": start_sim("vllm", "demo"), "ollama": start_sim("ollama", "qwen2.5:1.5b"),
            "anthropic": start_sim("anthropic", "claude-sim", extra=["--api-key", "sk-ant-sim"])}
    config = tmp_path_factory.mktemp("anthropic") / "ferry.yaml"
    config.write_text(
        "backends:\n"
        f"  vllm: {{provider: vllm, url: \"{sims['vllm'].url}/v1\", model: demo}}\n"
        f"  ollama: {{provider: ollama, url: \"{sims['ollama'].url}\", model: \"qwen2.5:1.5b\"}}\n"
        f"  claude: {{provider: anthropic, url: \"{sims['anthropic'].url}\", model: claude-sim, api_key: sk-ant-sim}}\n"
        "routes:\n"
        "  default: {backends: [vllm], aliases: [claude-sonnet-4-5]}\n"
        "  on-ollama: {backends: [ollama]}\n"
        "  on-claude: {backends: [claude]}\n"
        "server:\n  api_keys: [ferry-key]\n"
    )
    process = RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"])
    yield {"url": process.url, "sims": sims}
    assert process.stop() == 0
    for sim in sims.values():
        sim.stop()


@pytest.fixture(scope="module")
def client(ferry):
    return anthropic.Anthropic(base_url=ferry["url"], api_key="ferry-key", max_retries=0)


def test_create_whole(client):
    message = client.messages.create(model="claude-sonnet-4-5", max_tokens=64, system="Be brief.", messages=ASK)
    assert message.type == "message" and message.role == "assistant"
    assert message.content[0].type == "text" and message.content[0].text
    assert message.stop_reason in ("end_turn", "max_tokens")
    assert message.usage.input_tokens > 0 and message.usage.output_tokens > 0


@pytest.mark.parametrize("model", ["default", "on-ollama", "on-claude"])
def test_stream_text(client, model):
    whole = client.messages.create(model=model, max_tokens=64, messages=ASK)
    with client.messages.stream(model=model, max_tokens=64, messages=ASK) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == whole.content[0].text
    assert final.content[0].text == text and final.stop_reason == whole.stop_reason
    assert final.usage.output_tokens == whole.usage.output_tokens


@pytest.mark.parametrize("model", ["on-ollama", "default", "on-claude"])
def test_tool_use_round_trip(client, model):
    question = {"role": "user", "content": "Use get_weather for Oslo, please."}
    with client.messages.stream(model=model, max_tokens=128, tools=[TOOL], messages=[question]) as stream:
        events = [event.type for event in stream]
        call = stream.get_final_message()
    assert call.stop_reason == "tool_use" and "input_json" in events
    use = next(block for block in call.content if block.type == "tool_use")
    assert use.name == "get_weather" and use.input["city"]
    answer = client.messages.create(model=model, max_tokens=128, tools=[TOOL], messages=[
        question, {"role": "assistant", "content": call.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id, "content": json.dumps({"temp_c": -3})}]},
    ])
    assert answer.stop_reason in ("end_turn", "max_tokens") and answer.content[0].text


def test_count_tokens(client):
    counted = client.messages.count_tokens(model="default", messages=ASK, tools=[TOOL])
    assert counted.input_tokens > 10
    raw = client.messages.with_raw_response.count_tokens(model="on-ollama", messages=ASK)
    assert raw.headers["x-ferry-token-count"] == "estimate" and raw.parse().input_tokens > 0
    assert client.messages.with_raw_response.count_tokens(model="default", messages=ASK).headers["x-ferry-token-count"] == "tokenizer"


def test_errors_in_anthropic_shape(client, ferry):
    with pytest.raises(anthropic.NotFoundError) as missing:
        client.messages.create(model="no-such-route", max_tokens=8, messages=ASK)
    assert missing.value.body["error"]["type"] == "not_found_error"
    with pytest.raises(anthropic.AuthenticationError):
        anthropic.Anthropic(base_url=ferry["url"], api_key="wrong", max_retries=0).messages.create(model="default", max_tokens=8, messages=ASK)
    bad = httpx.post(ferry["url"] + "/v1/messages", headers={"x-api-key": "ferry-key"}, json={"model": "default", "messages": ASK}, timeout=30)
    assert bad.status_code == 400 and bad.json()["type"] == "error"
    assert bad.json()["error"]["type"] == "invalid_request_error" and "max_tokens" in bad.json()["error"]["message"]
    for body in ({"model": "default", "max_tokens": 8, "messages": [{"role": "user", "content": [{"type": "video"}]}]},
                 {"model": "default", "max_tokens": "eight", "messages": ASK},
                 {"model": "default", "max_tokens": 8, "messages": ASK, "tools": [{"type": "web_search_20250305", "name": "web_search"}]}):
        refused = httpx.post(ferry["url"] + "/v1/messages", headers={"x-api-key": "ferry-key"}, json=body, timeout=30)
        assert refused.status_code == 400 and refused.json()["error"]["type"] == "invalid_request_error", refused.text
    with pytest.raises(anthropic.BadRequestError):
        client.messages.create(model="default", max_tokens=8, messages=[{"role": "user", "content": "x"}], extra_body={"temperature": 3})


def test_openai_and_ollama_clients_reach_an_anthropic_backend(ferry):
    client = openai.OpenAI(base_url=ferry["url"] + "/v1", api_key="ferry-key", max_retries=0)
    whole = client.chat.completions.create(model="on-claude", messages=ASK, max_tokens=32)
    assert whole.choices[0].message.content and whole.usage.completion_tokens > 0
    streamed = client.chat.completions.create(model="on-claude", messages=ASK, max_tokens=32, stream=True)
    assert "".join(chunk.choices[0].delta.content or "" for chunk in streamed if chunk.choices) == whole.choices[0].message.content
    tool = client.chat.completions.create(model="on-claude", messages=[{"role": "user", "content": "use get_weather for Cairo"}], tools=[WEATHER_TOOL])
    assert tool.choices[0].finish_reason == "tool_calls"
    assert json.loads(tool.choices[0].message.tool_calls[0].function.arguments)["city"]
    ollama_answer = httpx.post(ferry["url"] + "/api/chat", headers={"authorization": "Bearer ferry-key"},
                               json={"model": "on-claude", "messages": ASK, "stream": False}, timeout=30).json()
    assert ollama_answer["message"]["content"] and ollama_answer["done"] is True
    completion = client.completions.create(model="on-claude", prompt="Once upon a time", max_tokens=16)
    assert completion.choices[0].text and completion.choices[0].finish_reason in ("stop", "length"), "a legacy completion as one user turn"


def test_the_sdk_against_ferry_sim(ferry):
    sim = anthropic.Anthropic(base_url=ferry["sims"]["anthropic"].url, api_key="sk-ant-sim", max_retries=0)
    message = sim.messages.create(model="claude-sim", max_tokens=16, messages=ASK)
    assert message.content[0].text and message.model == "claude-sim"
    assert [model.id for model in sim.models.list()] == ["claude-sim"]
    with pytest.raises(anthropic.AuthenticationError):
        anthropic.Anthropic(base_url=ferry["sims"]["anthropic"].url, api_key="wrong", max_retries=0).messages.create(model="claude-sim", max_tokens=8, messages=ASK)
