"""The official google-genai SDK against `ferry sim --dialect gemini`."""
import pytest
from google import genai
from google.genai import types


@pytest.fixture(scope="module")
def client(gemini_sim):
    return genai.Client(api_key="not-checked", http_options=types.HttpOptions(base_url=gemini_sim.url))


def test_generate_content(client):
    response = client.models.generate_content(
        model="gemini-2.0-flash", contents="Explain tides",
        config=types.GenerateContentConfig(system_instruction="Be brief", max_output_tokens=6),
    )
    assert response.text
    assert response.candidates[0].finish_reason == types.FinishReason.MAX_TOKENS
    assert response.usage_metadata.candidates_token_count == 6


def test_streamed_generation(client):
    whole = client.models.generate_content(model="gemini-2.0-flash", contents="Explain tides")
    chunks = list(client.models.generate_content_stream(model="gemini-2.0-flash", contents="Explain tides"))
    assert len(chunks) > 1
    assert "".join(chunk.text or "" for chunk in chunks) == whole.text
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP


def test_function_call(client):
    weather = types.FunctionDeclaration(
        name="get_weather", description="Weather for a city",
        parameters=types.Schema(type="OBJECT", properties={"city": types.Schema(type="STRING")}, required=["city"]),
    )
    response = client.models.generate_content(
        model="gemini-2.0-flash", contents="Call get_weather for Lagos",
        config=types.GenerateContentConfig(
            tools=[types.Tool(function_declarations=[weather])],
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
        ),
    )
    call = response.function_calls[0]
    assert call.name == "get_weather"
    assert isinstance(call.args["city"], str)


def test_unknown_model(client):
    with pytest.raises(genai.errors.ClientError) as raised:
        client.models.generate_content(model="gemini-9", contents="x")
    assert raised.value.code == 404
