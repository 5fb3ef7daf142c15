"""The OpenAI Responses API through `ferry serve`: the openai SDK's `responses.create` and `responses.stream`
(events, function tools round trip, previous_response_id, stored responses), and `openai-agents` with its default
Responses model running a tool-using agent, over vLLM- and Ollama-dialect FerrySims."""
import json

import httpx
import openai
import pytest

from conftest import FERRY_BIN, RunningProcess, start_sim

TOOL = {"type": "function", "name": "get_weather", "description": "Current weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"], "additionalProperties": False},
        "strict": True}


@pytest.fixture(scope="module")
def ferry(tmp_path_factory):
    sims = {"vllm": start_sim("vllm", "demo"), "ollama": start_sim("ollama", "qwen2.5:1.5b")}
    tmp = tmp_path_factory.mktemp("responses")
    config = tmp / "ferry.yaml"
    config.write_text(
        "backends:\n"
        f"  vllm: {{provider: vllm, url: \"{sims['vllm'].url}/v1\", model: demo}}\n"
        f"  ollama: {{provider: ollama, url: \"{sims['ollama'].url}\", model: \"qwen2.5:1.5b\"}}\n"
        "routes:\n  default: {backends: [vllm]}\n  on-ollama: {backends: [ollama]}\n"
        "responses:\n  store: sqlite\n  ttl: 1h\n"
    )
    process = RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"],
                             env={**__import__("os").environ, "FERRY_DATA_DIR": str(tmp / "data")})
    yield {"url": process.url, "sims": sims, "data": tmp / "data"}
    assert process.stop() == 0
    for sim in sims.values():
        sim.stop()


@pytest.fixture(scope="module")
def client(ferry):
    return openai.OpenAI(base_url=ferry["url"] + "/v1", api_key="unused", max_retries=0)


@pytest.mark.parametrize("model", ["default", "on-ollama"])
def test_create_and_stream(client, model):
    whole = client.responses.create(model=model, input="Explain tides in one line.", instructions="Be brief.")
    assert whole.object == "response" and whole.status == "completed" and whole.output_text
    assert whole.usage.input_tokens > 0 and whole.usage.output_tokens > 0
    with client.responses.stream(model=model, input="Explain tides in one line.", instructions="Be brief.") as stream:
        types = [event.type for event in stream]
        final = stream.get_final_response()
    assert types[:2] == ["response.created", "response.in_progress"] and types[-1] == "response.completed"
    assert {"response.output_item.added", "response.content_part.added", "response.output_text.delta",
            "response.output_text.done", "response.content_part.done", "response.output_item.done"} <= set(types)
    assert final.output_text == whole.output_text and final.status == "completed"
    assert client.responses.retrieve(final.id).output_text == final.output_text, "a streamed response is stored as it was streamed"


@pytest.mark.parametrize("model", ["default", "on-ollama"])
def test_function_tool_round_trip(client, model):
    call = client.responses.create(model=model, input="Use get_weather for Oslo.", tools=[TOOL])
    calls = [item for item in call.output if item.type == "function_call"]
    assert len(calls) == 1 and calls[0].name == "get_weather" and json.loads(calls[0].arguments)["city"]
    answer = client.responses.create(model=model, previous_response_id=call.id, tools=[TOOL],
                                     input=[{"type": "function_call_output", "call_id": calls[0].call_id, "output": json.dumps({"temp_c": -3})}])
    assert answer.output_text and answer.previous_response_id == call.id
    with client.responses.stream(model=model, input="Use get_weather for Cairo.", tools=[TOOL]) as stream:
        types = [event.type for event in stream]
        streamed = stream.get_final_response()
    assert "response.function_call_arguments.delta" in types and "response.function_call_arguments.done" in types
    assert streamed.output[0].type == "function_call" and json.loads(streamed.output[0].arguments)["city"]


def test_previous_response_id_carries_the_conversation(client, ferry):
    first = client.responses.create(model="default", input="My name is Layla.")
    second = client.responses.create(model="default", input="What is my name?", previous_response_id=first.id)
    assert second.status == "completed"
    prompt = httpx.get(ferry["sims"]["vllm"].url + "/_sim/requests", timeout=10).json()["requests"][-1]
    texts = json.dumps(prompt)
    assert "My name is Layla." in texts and first.output_text[:20] in texts and "What is my name?" in texts
    unstored = client.responses.create(model="default", input="Forget this.", store=False)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(unstored.id)
    with pytest.raises(openai.NotFoundError) as missing:
        client.responses.create(model="default", input="x", previous_response_id="resp_nope")
    assert missing.value.body["param"] == "previous_response_id"
    client.responses.delete(first.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(first.id)
    assert (ferry["data"] / "responses.sqlite").exists()


def test_bad_input_is_a_4xx_naming_the_field(ferry):
    url = ferry["url"] + "/v1/responses"
    for body, field in [
        ({"model": "default"}, "input"),
        ({"model": "default", "input": [{"type": "computer_call", "id": "x"}]}, "computer_call"),
        ({"model": "default", "input": "x", "tools": [{"type": "web_search"}]}, "tools[0].type"),
        ({"model": "default", "input": "x", "temperature": "hot"}, "temperature"),
        ({"model": "default", "input": "x", "text": {"format": {"type": "yaml"}}}, "text.format.type"),
        ({"model": "default", "input": [{"role": "wizard", "content": "x"}]}, "input[0].role"),
    ]:
        response = httpx.post(url, json=body, timeout=30)
        assert response.status_code == 400, (body, response.text)
        assert field in response.json()["error"]["message"], (field, response.text)
    assert httpx.post(url, json={"model": "no-such-route", "input": "x"}, timeout=30).status_code == 404


def test_openai_agents_default_model_runs_a_tool_loop(ferry):
    from agents import Agent, Runner, function_tool, set_tracing_disabled, OpenAIResponsesModel
    set_tracing_disabled(True)
    seen = []

    @function_tool
    def get_weather(city: str) -> str:
        """Current weather for a city."""
        seen.append(city)
        return json.dumps({"city": city, "temp_c": 21})

    client = openai.AsyncOpenAI(base_url=ferry["url"] + "/v1", api_key="unused", max_retries=0)
    agent = Agent(name="weather", instructions="Answer with the weather.", tools=[get_weather],
                  model=OpenAIResponsesModel(model="on-ollama", openai_client=client))
    result = Runner.run_sync(agent, "Use get_weather for Lisbon and tell me.")
    assert seen, "the agent called the tool"
    assert result.final_output and isinstance(result.final_output, str)
    assert any(item.type == "tool_call_output_item" for item in result.new_items)

    async def streamed():
        # A client of this event loop's own (run_sync's loop is gone).
        fresh = openai.AsyncOpenAI(base_url=ferry["url"] + "/v1", api_key="unused", max_retries=0)
        streaming = agent.clone(model=OpenAIResponsesModel(model="default", openai_client=fresh))
        run = Runner.run_streamed(streaming, "Use get_weather for Porto and tell me.")
        kinds = [event.type async for event in run.stream_events()]
        return run, kinds
    import asyncio
    run, kinds = asyncio.run(streamed())
    assert "raw_response_event" in kinds and "run_item_stream_event" in kinds
    assert len(seen) == 2 and run.final_output, "the streamed run called the tool too"


@pytest.mark.skipif(not __import__("os").environ.get("FERRY_TEST_POSTGRES_URL"), reason="no PostgreSQL (.ci/run starts one)")
def test_two_instances_share_stored_responses_in_postgresql(ferry, tmp_path):
    import os
    url = os.environ["FERRY_TEST_POSTGRES_URL"]
    config = (f"backends:\n  vllm: {{provider: vllm, url: \"{ferry['sims']['vllm'].url}/v1\", model: demo}}\n"
              f"routes:\n  default: {{backends: [vllm]}}\nresponses:\n  store: postgres\n  postgres:\n    url: {url}\n")
    servers = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "ferry.yaml").write_text(config)
        servers.append(RunningProcess([FERRY_BIN, "serve", "--config", str(tmp_path / name / "ferry.yaml"), "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"],
                                      env={**os.environ, "FERRY_DATA_DIR": str(tmp_path / name / "data")}))
    try:
        one, two = (openai.OpenAI(base_url=server.url + "/v1", api_key="unused", max_retries=0) for server in servers)
        first = one.responses.create(model="default", input=f"My name is Layla {os.getpid()}.")
        second = two.responses.create(model="default", input="What is my name?", previous_response_id=first.id)
        assert second.previous_response_id == first.id and second.status == "completed"
        assert two.responses.retrieve(first.id).output_text == first.output_text
        one.responses.delete(second.id)
        with pytest.raises(openai.NotFoundError):
            two.responses.retrieve(second.id)
    finally:
        for server in servers:
            assert server.stop() == 0
