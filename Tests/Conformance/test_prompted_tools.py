"""Tools for a backend whose model has none in its template (`tools: prompted`): `ferry serve` puts the tools in
the prompt and reads the model's JSON action back into real tool calls — for the openai SDK (whole and streamed as
tool-call deltas), the ollama SDK and the anthropic SDK — and the tool's result into a text answer. FerrySim plays
a model that follows the prompted format (it sees no `tools` field at all)."""
import json
import os

import anthropic
import ollama
import openai
import pytest

from conftest import FERRY_BIN, RunningProcess, start_sim

WEATHER = {"type": "function", "function": {"name": "get_weather", "description": "The weather in a city now",
                                            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    sim = start_sim("vllm", "demo")
    folder = tmp_path_factory.mktemp("prompted")
    config = folder / "ferry.yaml"
    config.write_text(f"backends:\n  plain: {{provider: vllm, url: \"{sim.url}/v1\", model: demo, tools: prompted}}\nroutes:\n  default: {{backends: [plain]}}\n")
    ferry = RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"],
                           env={**os.environ, "FERRY_DATA_DIR": str(folder / "data")})
    yield ferry
    assert ferry.stop() == 0
    sim.stop()


def test_openai_client_gets_structured_calls_then_an_answer(gateway):
    client = openai.OpenAI(base_url=gateway.url + "/v1", api_key="unused", max_retries=0)
    question = [{"role": "user", "content": "What does get_weather say for Paris?"}]
    first = client.chat.completions.create(model="default", messages=question, tools=[WEATHER])
    call = first.choices[0].message.tool_calls[0]
    assert first.choices[0].finish_reason == "tool_calls" and call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "sample city"} or "city" in json.loads(call.function.arguments)
    assert not first.choices[0].message.content
    streamed = [chunk.choices[0].delta for chunk in client.chat.completions.create(model="default", messages=question, tools=[WEATHER], stream=True) if chunk.choices]
    named = [delta.tool_calls[0] for delta in streamed if delta.tool_calls]
    assert named and named[0].function.name == "get_weather" and named[0].id
    answer = client.chat.completions.create(model="default", tools=[WEATHER], messages=question + [
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": '{"temperature_c": 18}'},
    ])
    assert answer.choices[0].message.content and not answer.choices[0].message.tool_calls
    assert answer.choices[0].finish_reason == "stop"


def test_ollama_and_anthropic_clients_get_calls_too(gateway):
    reply = ollama.Client(host=gateway.url).chat(model="default", messages=[{"role": "user", "content": "use get_weather for Oslo"}], tools=[WEATHER])
    assert reply.message.tool_calls and reply.message.tool_calls[0].function.name == "get_weather"
    message = anthropic.Anthropic(base_url=gateway.url, api_key="unused", max_retries=0).messages.create(
        model="default", max_tokens=100, messages=[{"role": "user", "content": "call get_weather for Rome"}],
        tools=[{"name": "get_weather", "description": "weather", "input_schema": WEATHER["function"]["parameters"]}])
    uses = [block for block in message.content if block.type == "tool_use"]
    assert message.stop_reason == "tool_use" and uses and uses[0].name == "get_weather" and isinstance(uses[0].input, dict)


def test_a_question_without_a_tool_is_answered_in_text(gateway):
    client = openai.OpenAI(base_url=gateway.url + "/v1", api_key="unused", max_retries=0)
    answer = client.chat.completions.create(model="default", messages=[{"role": "user", "content": "Tell me a story"}], tools=[WEATHER])
    assert answer.choices[0].message.content and not answer.choices[0].message.tool_calls
