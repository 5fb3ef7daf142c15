"""The ferry CLI's ask, models and config commands, configured from the environment, against FerrySim."""
import json
import os
import subprocess

import pytest

from conftest import FERRY_BIN, start_sim


@pytest.fixture(scope="module")
def environment():
    vllm, olla = start_sim("vllm", "Qwen/Qwen2.5-1.5B-Instruct"), start_sim("ollama", "qwen2.5:1.5b")
    env = dict(os.environ, USE_VLLM="true", VLLM_BASE_URL=vllm.url, VLLM_MODEL="Qwen/Qwen2.5-1.5B-Instruct",
               OLLAMA_BASE_URL=olla.url, OLLAMA_MODEL="qwen2.5:1.5b", OPENAI_API_KEY="sk-never-printed")
    yield env
    vllm.stop()
    olla.stop()


def ferry(env, *args, stdin=None):
    return subprocess.run([FERRY_BIN, *args], env=env, input=stdin, capture_output=True, text=True, timeout=60)


def test_ask_streams_an_answer(environment):
    result = ferry(environment, "ask", "What is a ferry?", "--max-tokens", "6")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.split()) == 6


def test_ask_json_reads_stdin(environment):
    result = ferry(environment, "ask", "--json", "--max-tokens", "3", stdin="a piped question\n")
    report = json.loads(result.stdout)
    assert report["backend"] == "vllm" and report["attempts"] == 1
    assert report["response"]["finishReason"] == "length"
    assert report["response"]["usage"]["completionTokens"] == 3
    assert report["timeToFirstTokenMs"] >= 0


def test_ask_fails_with_a_clear_error_and_exit_code(environment):
    env = dict(environment, USE_VLLM="false", LLM_PROVIDER="vllm", VLLM_BASE_URL="http://127.0.0.1:9")
    result = ferry(env, "ask", "hello")
    assert result.returncode == 1
    assert "http://127.0.0.1:9/v1/chat/completions" in result.stderr and "vllm serve" in result.stderr


def test_models_lists_served_models_and_flags_a_mismatch(environment):
    result = ferry(dict(environment, VLLM_MODEL="qwen"), "models")
    assert "Qwen/Qwen2.5-1.5B-Instruct" in result.stdout
    assert 'configured model "qwen" is not served here' in result.stdout
    entries = json.loads(ferry(environment, "models", "--json").stdout)
    assert {entry["backend"] for entry in entries} == {"vllm", "ollama"}
    assert all(entry["status"] == "healthy" for entry in entries)


def test_config_shows_sources_and_hides_secrets(environment):
    result = ferry(dict(environment, LLM_PROVIDER="openai", USE_VLLM="false"), "config")
    assert result.returncode == 0, result.stderr
    assert "environment variable LLM_PROVIDER" in result.stdout
    assert "sk-never-printed" not in result.stdout
    bad = ferry(dict(environment, LLM_PROVIDER="vlm"), "config")
    assert bad.returncode != 0 and "LLM_PROVIDER" in bad.stderr
