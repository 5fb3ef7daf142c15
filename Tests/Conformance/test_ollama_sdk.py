"""The official ollama SDK against `ferry sim --dialect ollama`."""
import ollama
import pytest

from conftest import WEATHER_TOOL


@pytest.fixture(scope="module")
def client(ollama_sim):
    return ollama.Client(host=ollama_sim.url, timeout=30)


def test_chat(client):
    response = client.chat(model="demo", messages=[{"role": "user", "content": "Hello"}])
    assert response.message.role == "assistant"
    assert response.message.content
    assert response.done and response.done_reason == "stop"
    assert response.eval_count > 0 and response.total_duration >= response.eval_duration >= 0


def test_stream(client):
    whole = client.chat(model="demo", messages=[{"role": "user", "content": "Hello"}])
    parts = list(client.chat(model="demo:latest", messages=[{"role": "user", "content": "Hello"}], stream=True))
    assert parts[-1].done and not any(p.done for p in parts[:-1])
    assert "".join(p.message.content for p in parts) == whole.message.content


def test_tool_call(client):
    response = client.chat(model="demo", messages=[{"role": "user", "content": "use get_weather for Paris"}], tools=[WEATHER_TOOL])
    call = response.message.tool_calls[0]
    assert call.function.name == "get_weather"
    assert isinstance(call.function.arguments, dict)
    assert isinstance(call.function.arguments["city"], str)


def test_generate(client):
    response = client.generate(model="demo", prompt="Why is the sky blue?", options={"num_predict": 4})
    assert response.done_reason == "length" and response.eval_count == 4
    streamed = "".join(part.response for part in client.generate(model="demo", prompt="Why is the sky blue?", options={"num_predict": 4}, stream=True))
    assert streamed == response.response


def test_embed(client):
    response = client.embed(model="demo", input=["a", "b"])
    assert len(response.embeddings) == 2 and len(response.embeddings[0]) == 384


def test_list_show_ps(client):
    assert [m.model for m in client.list().models] == ["demo:latest", "qwen2.5:0.5b"]
    shown = client.show("demo")
    assert "tools" in shown.capabilities
    assert shown.details.family == "ferrysim"
    assert len(client.ps().models) == 2


def test_version(client):
    # The SDK has no version() method: GET /api/version through the SDK's own HTTP transport.
    assert client._client.get("/api/version").json()["version"] == "0.12.0"


def test_unknown_model(client):
    with pytest.raises(ollama.ResponseError) as raised:
        client.chat(model="llama9", messages=[{"role": "user", "content": "x"}])
    assert raised.value.status_code == 404
    assert "not found" in raised.value.error
