"""The official openai SDK against `ferry sim --dialect vllm`."""
import json

import openai
import pytest

from conftest import WEATHER_TOOL


@pytest.fixture(scope="module")
def client(vllm_sim):
    return openai.OpenAI(base_url=vllm_sim.url + "/v1", api_key="unused", max_retries=0, timeout=30)


def test_list_models(client):
    assert [m.id for m in client.models.list()] == ["demo", "other-model"]


def test_chat(client):
    completion = client.chat.completions.create(model="demo", messages=[{"role": "user", "content": "Hello there"}])
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].message.content
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage.completion_tokens > 0
    again = client.chat.completions.create(model="demo", messages=[{"role": "user", "content": "Hello there"}])
    assert again.choices[0].message.content == completion.choices[0].message.content


def test_stream_with_usage(client):
    stream = client.chat.completions.create(
        model="demo", messages=[{"role": "user", "content": "Hello there"}], max_tokens=7,
        stream=True, stream_options={"include_usage": True},
    )
    text, usage, finish = "", None, None
    for chunk in stream:
        if chunk.usage:
            usage = chunk.usage
        for choice in chunk.choices:
            text += choice.delta.content or ""
            finish = choice.finish_reason or finish
    assert finish == "length"
    assert usage.completion_tokens == 7
    assert usage.total_tokens == usage.prompt_tokens + 7
    assert len(text.split()) == 7


def test_streamed_tool_call_reassembled_by_sdk(client):
    with client.chat.completions.stream(
        model="demo", messages=[{"role": "user", "content": "What does get_weather say for Oslo?"}], tools=[WEATHER_TOOL],
    ) as stream:
        for _ in stream:
            pass
        final = stream.get_final_completion()
    choice = final.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]
    assert call.function.name == "get_weather"
    arguments = json.loads(call.function.arguments)
    assert isinstance(arguments["city"], str)
    assert arguments["unit"] in ("celsius", "fahrenheit")
    assert call.id


def test_completions(client):
    completion = client.completions.create(model="demo", prompt="Once upon a time", max_tokens=5)
    assert completion.choices[0].finish_reason == "length"
    streamed = "".join(c.choices[0].text for c in client.completions.create(model="demo", prompt="Once upon a time", max_tokens=5, stream=True) if c.choices)
    assert streamed == completion.choices[0].text


def test_embeddings(client):
    # The SDK asks for base64 by default and decodes it.
    result = client.embeddings.create(model="demo", input=["ferry", "boat", "ferry"])
    vectors = [item.embedding for item in result.data]
    assert len(vectors) == 3 and all(len(v) == 384 for v in vectors)
    assert vectors[0] == vectors[2] and vectors[0] != vectors[1]
    floats = client.embeddings.create(model="demo", input="ferry", encoding_format="float")
    assert floats.data[0].embedding == pytest.approx(vectors[0], abs=1e-6)


def test_unknown_model_is_not_found(client):
    with pytest.raises(openai.NotFoundError) as raised:
        client.chat.completions.create(model="gpt-5", messages=[{"role": "user", "content": "x"}])
    assert "The model `gpt-5` does not exist." in str(raised.value)


def test_bad_request(client):
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model="demo", messages=[{"role": "user", "content": "x"}], temperature=5)
    assert "temperature" in str(raised.value)
