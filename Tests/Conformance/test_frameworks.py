"""Frameworks users build with, unchanged, talking to `ferry serve`: LangChain's ChatOpenAI and ChatOllama, and
LiteLLM's SDK used as a client."""
import litellm
import pytest
from langchain_core.messages import AIMessageChunk
from langchain_ollama import ChatOllama
from langchain_openai import ChatOpenAI

from conftest import WEATHER_TOOL


@pytest.mark.parametrize("make", [
    lambda url: ChatOpenAI(base_url=url + "/v1", api_key="unused", model="default", max_retries=0),
    lambda url: ChatOllama(base_url=url, model="on-vllm"),
], ids=["ChatOpenAI", "ChatOllama"])
def test_langchain_invoke_stream_bind_tools(gateway, make):
    chat = make(gateway.url)
    answer = chat.invoke("Hello there")
    assert answer.content
    chunks = list(chat.stream("Hello there"))
    assert all(isinstance(chunk, AIMessageChunk) for chunk in chunks)
    assert "".join(chunk.content for chunk in chunks) == answer.content
    called = chat.bind_tools([WEATHER_TOOL]).invoke("use get_weather for Oslo")
    assert called.tool_calls and called.tool_calls[0]["name"] == "get_weather"
    assert isinstance(called.tool_calls[0]["args"]["city"], str)


def test_litellm_sdk_as_a_client(gateway):
    response = litellm.completion(model="openai/default", api_base=gateway.url + "/v1", api_key="unused",
                                  messages=[{"role": "user", "content": "Hello"}], max_tokens=5)
    assert response.choices[0].message.content
    assert response.usage.completion_tokens == 5
    streamed = "".join(chunk.choices[0].delta.content or "" for chunk in litellm.completion(
        model="openai/default", api_base=gateway.url + "/v1", api_key="unused",
        messages=[{"role": "user", "content": "Hello"}], max_tokens=5, stream=True))
    assert streamed == response.choices[0].message.content
