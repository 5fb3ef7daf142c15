"""`ferry agent` with tools from a real MCP server written with the official `mcp` package — over stdio (Ferry
starts it) and over Streamable HTTP — on a FerrySim backend, which calls every tool a question names: the tools are
listed and called, a tool's error goes back to the model as a result, the transcript is JSON; tools from the
configuration's `mcp.servers`; a bad server is a clear error; `ferry chat --mcp` lists the tools (`/tools`) and calls them."""
import json
import os
import pathlib
import socket
import subprocess
import sys
import time

import pytest

from conftest import FERRY_BIN, start_sim

SERVER = str(pathlib.Path(__file__).with_name("mcp_tools_server.py"))


def agent(*args, timeout=120):
    result = subprocess.run([FERRY_BIN, "agent", *args], capture_output=True, text=True, timeout=timeout)
    return result


@pytest.fixture(scope="module")
def sim():
    server = start_sim("vllm", "demo")
    yield server
    server.stop()


def test_stdio_server_tools_are_called_in_parallel_and_failures_fed_back(sim):
    result = agent("--backend", "vllm", "--url", sim.url, "--model", "demo", "--mcp", f"{sys.executable} {SERVER}", "--json",
                   "please add, multiply and use the broken tool")
    assert result.returncode == 0, result.stderr
    transcript = json.loads(result.stdout)
    calls = [step for step in transcript["steps"] if step["type"] == "tool_call"]
    results = {step["name"]: step for step in transcript["steps"] if step["type"] == "tool_result"}
    assert sorted(call["name"] for call in calls) == ["add", "broken", "multiply"]
    assert results["add"]["failed"] is False and results["multiply"]["failed"] is False
    assert results["broken"]["failed"] is True and "broke" in results["broken"]["content"]
    assert transcript["answer"]


def test_streamable_http_server(sim):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, SERVER, "--http", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        result = agent("--backend", "vllm", "--url", sim.url, "--model", "demo", "--mcp", f"http://127.0.0.1:{port}/mcp", "--json",
                       "what does lookup_capital say?")
        assert result.returncode == 0, result.stderr
        transcript = json.loads(result.stdout)
        called = [step for step in transcript["steps"] if step["type"] == "tool_result"]
        assert called and called[0]["name"] == "lookup_capital"
    finally:
        server.terminate()
        server.wait(10)


def test_configured_servers_and_debug_output(sim, tmp_path):
    config = tmp_path / "ferry.yaml"
    config.write_text(
        f"backends:\n  sim: {{provider: vllm, url: \"{sim.url}/v1\", model: demo}}\nroutes:\n  default: {{backends: [sim]}}\n"
        f"mcp:\n  servers:\n    tools:\n      command: {sys.executable}\n      args: [\"{SERVER}\"]\n      env: {{MCP_TEST: \"1\"}}\n"
    )
    result = agent("--config", str(config), "--debug", "convert_units please")
    assert result.returncode == 0, result.stderr
    assert "[tool call]" in result.stderr and "convert_units" in result.stderr and "[tool result]" in result.stderr
    assert "[step 1] request" in result.stderr and "[answer]" in result.stderr
    assert result.stdout.strip()


def test_a_server_that_does_not_start_is_a_clear_error(sim):
    result = agent("--backend", "vllm", "--url", sim.url, "--model", "demo", "--mcp", "no-such-mcp-server-command", "hello")
    assert result.returncode != 0
    assert "MCP server" in result.stderr and "no-such-mcp-server-command" in result.stderr, result.stderr


def test_step_limit(sim):
    # FerrySim calls the tool the question names at every fresh question; with one step it cannot get to an answer.
    result = agent("--backend", "vllm", "--url", sim.url, "--model", "demo", "--mcp", f"{sys.executable} {SERVER}", "--max-steps", "1", "please add")
    assert result.returncode == 1 and "still calling tools after 1 steps" in result.stderr, result.stderr


def test_chat_with_mcp_tools(sim):
    result = subprocess.run([FERRY_BIN, "chat", "--backend", "vllm", "--url", sim.url, "--model", "demo", "--mcp", f"{sys.executable} {SERVER}"],
                            input="/tools\nplease add and multiply\n/exit\n", capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "lookup_capital (mcp_tools_server): The capital city of a country." in result.stdout
    assert "[tool] add" in result.stdout and "[tool] multiply" in result.stdout and "[result]" in result.stdout
    assert "assistant›" in result.stdout


def test_a_tool_list_that_changes_is_read_again(sim):
    result = subprocess.run([FERRY_BIN, "chat", "--backend", "vllm", "--url", sim.url, "--model", "demo", "--mcp", f"{sys.executable} {SERVER}"],
                            input="/tools\nplease unlock\n/tools\n/exit\n", capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    listings = result.stdout.split("add (mcp_tools_server)")
    assert len(listings) == 3, result.stdout
    assert "secret (mcp_tools_server)" not in listings[1] and "secret (mcp_tools_server): Says the secret" in listings[2], result.stdout


def test_names_two_servers_share_are_prefixed(sim):
    result = agent("--backend", "vllm", "--url", sim.url, "--model", "demo", "--mcp", f"{sys.executable} {SERVER}", "--mcp", f"{sys.executable} {SERVER}",
                   "--json", "please mcp_tools_server2_add")
    assert result.returncode == 0, result.stderr
    transcript = json.loads(result.stdout)
    results = [step for step in transcript["steps"] if step["type"] == "tool_result"]
    assert [step["name"] for step in results] == ["mcp_tools_server2_add"] and results[0]["failed"] is False
