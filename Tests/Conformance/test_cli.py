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


# ---------------------------------------------------------------------------------------------------------------
# ferry doctor


def test_doctor_names_the_model_mismatch_with_the_served_names(environment):
    env = dict(environment, USE_VLLM="false", LLM_PROVIDER="vllm", VLLM_MODEL="qwen2.5-1.5b")
    result = ferry(env, "doctor")
    assert result.returncode == 1, result.stdout
    assert '"qwen2.5-1.5b" is not served here' in result.stdout
    assert 'set backends.vllm.model to "Qwen/Qwen2.5-1.5B-Instruct"' in result.stdout
    assert "--served-model-name qwen2.5-1.5b" in result.stdout
    report = json.loads(ferry(env, "doctor", "--json").stdout)
    assert report[0]["usable"] is False
    assert [step["problem"] for step in report[0]["steps"] if "problem" in step] == ["model-mismatch"]


def test_doctor_exit_code_zero_when_every_backend_is_usable(environment):
    result = ferry(environment, "doctor")
    assert result.returncode == 0, result.stdout
    assert result.stdout.count("— usable") == 2
    assert "\x1b[" not in result.stdout, "no colours when the output is not a terminal"


def test_doctor_names_a_closed_port_and_an_unpulled_ollama_model(environment):
    env = dict(environment, USE_VLLM="true", VLLM_BASE_URL="http://127.0.0.1:9", OLLAMA_MODEL="llama3.2")
    report = {entry["backend"]: entry for entry in json.loads(ferry(env, "doctor", "--json").stdout)}
    problems = {name: [step.get("problem") for step in entry["steps"] if step.get("problem")] for name, entry in report.items()}
    assert problems == {"vllm": ["nothing-listening"], "ollama": ["model-not-pulled"]}
    ollama_fix = next(step["fix"] for step in report["ollama"]["steps"] if step.get("problem"))
    assert "ollama pull llama3.2" in ollama_fix


# ---------------------------------------------------------------------------------------------------------------
# ferry chat


def test_chat_streams_keeps_history_and_saves_it(environment, tmp_path):
    transcript = tmp_path / "chat.json"
    session = "Hello\n/system Answer in Arabic.\nمرحبا بالعالم 🌍\n/model\n/save " + str(transcript) + "\n/exit\n"
    result = ferry(environment, "chat", "--max-tokens", "5", "--debug", stdin=session)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("assistant› ") == 2
    assert "attempt 1 on vllm answered" in result.stderr and "TTFT" in result.stderr and "tokens/s" in result.stderr
    saved = json.loads(transcript.read_text(encoding="utf-8"))
    assert [message["role"] for message in saved["messages"]] == ["user", "assistant", "user", "assistant"]
    assert saved["messages"][2]["content"] == "مرحبا بالعالم 🌍"
    assert saved["system"] == "Answer in Arabic."


def test_chat_with_a_backend_on_the_command_line(environment):
    url = environment["OLLAMA_BASE_URL"]
    result = ferry({}, "chat", "--backend", "ollama", "--url", url, "--model", "qwen2.5:1.5b", "--max-tokens", "4", stdin="Hi\n")
    assert result.returncode == 0, result.stderr
    assert f"ollama at {url}, model qwen2.5:1.5b" in result.stdout
    answer = result.stdout.split("assistant› ", 1)[1].strip()
    assert len(answer.split()) == 4


@pytest.mark.parametrize("args, message", [
    (["chat", "--temperature", "3"], "--temperature must be between 0 and 2"),
    (["chat", "--url", "http://127.0.0.1:8000"], "--url needs --backend"),
    (["chat", "--backend", "vlm"], "vlm"),
    (["bench", "--target", "http://127.0.0.1:8000"], "is not NAME=URL"),
    (["bench", "--target", "a=http://127.0.0.1:1", "--baseline", "b"], "--baseline b is not one of the targets"),
    (["bench", "--target", "a=http://127.0.0.1:1", "--concurrency", "1,0"], "--concurrency"),
    (["bench", "--target", "a=http://127.0.0.1:1", "--slo", "latency=1s"], "is not ttft, tpot or e2el"),
    (["doctor", "--slow-first-token", "soon"], "is not a duration"),
])
def test_argument_errors_say_what_to_fix(args, message):
    result = ferry({}, *args)
    assert result.returncode == 64, (result.stdout, result.stderr)
    assert message in result.stderr


# ---------------------------------------------------------------------------------------------------------------
# ferry bench


def test_bench_compares_a_backend_directly_and_through_ferry(tmp_path):
    import xml.etree.ElementTree as ElementTree

    import jsonschema

    from conftest import start_gateway

    vllm = start_sim("vllm", "demo", tokens_per_second=400)
    olla = start_sim("ollama", "qwen2.5:1.5b")
    gateway = start_gateway(vllm.url, olla.url)
    try:
        report_path, chart_path = tmp_path / "bench.json", tmp_path / "bench.svg"
        result = ferry({}, "bench", "--target", f"direct={vllm.url}", "--target", f"ferry={gateway.url},model=on-vllm",
                       "--target", f"ferry-ollama-api={gateway.url},dialect=ollama,model=on-vllm",
                       "--baseline", "direct", "--concurrency", "1,4", "--num-requests", "12", "--output-tokens", "8",
                       "--slo", "ttft=2s", "--json", str(report_path), "--chart", str(chart_path))
        assert result.returncode == 0, result.stderr
        assert "Paired differences against direct" in result.stdout
        report = json.loads(report_path.read_text())
        schema = json.loads(open("docs/bench-report.schema.json").read())
        jsonschema.validate(report, schema)
        assert {(r["target"], r["level"]["concurrency"]) for r in report["results"]} == {
            (target, level) for target in ("direct", "ferry", "ferry-ollama-api") for level in (1, 4)}
        assert all(r["completed"] == 12 and r["failed"] == 0 and r["output_tokens"] == 96 for r in report["results"])
        assert {(d["target"], d["pairs"]) for d in report["differences"]} == {("ferry", 12), ("ferry-ollama-api", 12)}
        svg = ElementTree.parse(chart_path).getroot()
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"
        for panel in svg.iter("{http://www.w3.org/2000/svg}g"):
            if panel.get("class") == "panel":
                series = [g.get("data-target") for g in panel if g.get("class") == "series"]
                assert series == ["direct", "ferry", "ferry-ollama-api"]
    finally:
        gateway.stop()
        vllm.stop()
        olla.stop()


# ---------------------------------------------------------------------------------------------------------------
# ferry launch


def test_launch_prints_the_exact_command_of_each_preset():
    vllm = ferry({}, "launch", "vllm", "--model", "Qwen/Qwen2.5-7B-Instruct", "--gpus", "0,1", "--tensor-parallel-size", "2",
                 "--gpu-memory-utilization", "0.85", "--max-model-len", "8192", "--print", "--", "--enable-prefix-caching")
    assert vllm.stdout.strip() == ("CUDA_VISIBLE_DEVICES=0,1 vllm serve Qwen/Qwen2.5-7B-Instruct --host 127.0.0.1 --port 8000 "
                                   "--tensor-parallel-size 2 --gpu-memory-utilization 0.85 --max-model-len 8192 --enable-prefix-caching")
    llama = ferry({}, "launch", "llamacpp", "--model-file", "/models/m.gguf", "--slots", "8", "--threads", "2", "--port", "9000", "--print")
    assert llama.stdout.strip() == "llama-server --model /models/m.gguf --host 127.0.0.1 --port 9000 --parallel 8 --ctx-size 4096 --cont-batching --threads 2"
    assert ferry({}, "launch", "ollama", "--print").stdout.strip() == "OLLAMA_HOST=127.0.0.1:11434 ollama serve"
    missing = ferry({}, "launch", "vllm", "--print")
    assert missing.returncode == 64 and "vllm needs --model" in missing.stderr


def test_serve_launches_a_configured_backend_and_stops_it(tmp_path):
    import urllib.request

    from conftest import RunningProcess

    config = tmp_path / "ferry.yaml"
    config.write_text("""
backends:
  sim:
    model: demo
    launch:
      preset: sim
      extra_args: ["--ttft", "0", "--tokens-per-second", "0"]
routes:
  default:
    backends: [sim]
""")
    gateway = RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0"])
    try:
        body = json.dumps({"model": "default", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 4}).encode()
        request = urllib.request.Request(gateway.url + "/v1/chat/completions", data=body, headers={"content-type": "application/json"})
        answer = json.loads(urllib.request.urlopen(request, timeout=30).read())
        assert len(answer["choices"][0]["message"]["content"].split()) == 4
        status = json.loads(urllib.request.urlopen(gateway.url + "/status", timeout=10).read())
        process = status["routes"][0]["backends"][0]["process"]
        assert process["phase"] == "ready" and " sim --dialect vllm --host 127.0.0.1 --port " in process["command"]
        pid = process["pid"]
    finally:
        assert gateway.stop() == 0
    assert not os.path.exists(f"/proc/{pid}"), "the launched backend must stop with ferry serve"
    assert any("ready: demo on port" in line and "pid" in line for line in gateway.output), "one info line says it is ready"
    assert not any("[sim] FerrySim listening on" in line for line in gateway.output), "its own chatter is logged at debug"


def test_a_killed_ferry_leaves_no_launched_backend_behind(tmp_path):
    import signal
    import time
    import urllib.request

    from conftest import RunningProcess

    config = tmp_path / "ferry.yaml"
    config.write_text("backends:\n  sim:\n    model: demo\n    launch:\n      preset: sim\nroutes:\n  default:\n    backends: [sim]\n")
    gateway = RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0"])
    deadline = time.monotonic() + 30
    pid = None
    while pid is None and time.monotonic() < deadline:
        process = json.loads(urllib.request.urlopen(gateway.url + "/status", timeout=10).read())["routes"][0]["backends"][0]["process"]
        pid = process.get("pid") if process["phase"] == "ready" else None
        time.sleep(0.1)
    assert pid and os.path.exists(f"/proc/{pid}")
    gateway.process.send_signal(signal.SIGKILL)
    gateway.process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{pid}"), "the kernel must stop the child when Ferry is killed"


# ---------------------------------------------------------------------------------------------------------------
# ferry engine: what a user sees when the engine cannot be installed


def test_engine_install_without_python_says_what_to_install(tmp_path):
    result = subprocess.run([FERRY_BIN, "engine", "install"], env={"FERRY_ENGINE_DIR": str(tmp_path / "engine"), "PATH": str(tmp_path)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "needs Python 3 with venv" in result.stderr and "apt-get install python3 python3-venv" in result.stderr
    assert "LLM_PROVIDER=" in result.stderr, "it also says how to configure another backend instead"


def test_engine_install_without_the_package_index_says_so(tmp_path):
    env = dict(os.environ, FERRY_ENGINE_DIR=str(tmp_path / "engine"), PIP_INDEX_URL="http://127.0.0.1:9/simple", PIP_RETRIES="0", PIP_TIMEOUT="2")
    result = subprocess.run([FERRY_BIN, "engine", "install"], env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 1, result.stdout
    assert "Installing Ferry's local engine from PyPI failed" in result.stderr
    assert "PIP_INDEX_URL" in result.stderr and "LLM_PROVIDER=vllm" in result.stderr
    serve = subprocess.run([FERRY_BIN, "serve", "--port", "0"], env=env, capture_output=True, text=True, timeout=180)
    assert serve.returncode != 0 and "Installing Ferry's local engine from PyPI failed" in serve.stderr
