"""Writes the mock upstream's nginx.conf (canned answers), Ferry's and LiteLLM's configurations, and wrk's scripts.

Usage: make_fixtures.py WORKDIR JSON_PORT SSE_PORT FERRY_PORT LITELLM_PORT
"""
import json
import pathlib
import sys

work, json_port, sse_port, ferry_port, litellm_port = sys.argv[1], *map(int, sys.argv[2:6])
folder = pathlib.Path(work)
MODEL = "bench-model"
MASTER_KEY = "sk-ferry-bench-0123456789abcdef"

# A canned chat completion of about 600 bytes, as vLLM writes it.
answer_text = "Ferries carry passengers across the water on a fixed route and schedule. " * 3
completion = {
    "id": "chatcmpl-0123456789abcdef0123456789abcdef", "object": "chat.completion", "created": 1767225600, "model": MODEL,
    "choices": [{"index": 0, "message": {"role": "assistant", "content": answer_text.strip(), "tool_calls": []},
                 "logprobs": None, "finish_reason": "stop", "stop_reason": None}],
    "usage": {"prompt_tokens": 24, "total_tokens": 72, "completion_tokens": 48, "prompt_tokens_details": None},
}
completion_body = json.dumps(completion, separators=(",", ":"))
while len(completion_body) < 600:
    completion["id"] += "x"
    completion_body = json.dumps(completion, separators=(",", ":"))

# A canned 50-chunk SSE stream (role chunk, 48 content chunks, finish chunk with usage), then [DONE].
def chunk(delta, finish=None, usage=None):
    body = {"id": "chatcmpl-stream", "object": "chat.completion.chunk", "created": 1767225600, "model": MODEL,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
    if usage:
        body["usage"] = usage
    return "data: " + json.dumps(body, separators=(",", ":")) + "\n\n"
words = ("Ferries carry passengers across the water on a fixed route. " * 6).split()[:48]
stream = chunk({"role": "assistant", "content": ""})
stream += "".join(chunk({"content": (" " if i else "") + word}) for i, word in enumerate(words))
stream += chunk({}, "stop", {"prompt_tokens": 24, "completion_tokens": 48, "total_tokens": 72})
stream += "data: [DONE]\n\n"

models = json.dumps({"object": "list", "data": [{"id": MODEL, "object": "model", "created": 1767225600, "owned_by": "bench"}]})

(folder / "stream.sse").write_text(stream)
# nginx's workers run as an unprivileged user: let them read the stream file in the (private) work folder.
folder.chmod(0o755)
(folder / "stream.sse").chmod(0o644)


def nginx_string(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"

(folder / "nginx.conf").write_text(f"""
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log stderr error;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
    client_body_buffer_size 64k;
    server {{
        listen 127.0.0.1:{json_port} reuseport backlog=4096;
        location = /v1/models {{ default_type application/json; return 200 {nginx_string(models)}; }}
        location = /health {{ return 200 ''; }}
        location / {{ default_type application/json; return 200 {nginx_string(completion_body)}; }}
    }}
    server {{
        listen 127.0.0.1:{sse_port} reuseport backlog=4096;
        location = /v1/models {{ default_type application/json; return 200 {nginx_string(models)}; }}
        location = /health {{ return 200 ''; }}
        # The stream is longer than an nginx parameter may be: a file, which POST reaches through the 405 page.
        location / {{ default_type text/event-stream; root {work}; error_page 405 =200 /stream.sse; try_files /stream.sse =404; }}
        location = /stream.sse {{ default_type text/event-stream; root {work}; }}
    }}
}}
""")

(folder / "ferry.yaml").write_text(f"""
backends:
  upstream:
    provider: vllm
    url: http://127.0.0.1:{json_port}
    model: {MODEL}
  upstream-stream:
    provider: vllm
    url: http://127.0.0.1:{sse_port}
    model: {MODEL}
routes:
  bench:
    backends: [upstream]
  bench-stream:
    backends: [upstream-stream]
server:
  host: 127.0.0.1
  port: {ferry_port}
  max_concurrent_requests: 100000
health:
  interval: 600s
""")

(folder / "litellm.yaml").write_text(f"""
model_list:
  - model_name: bench
    litellm_params: {{model: openai/{MODEL}, api_base: "http://127.0.0.1:{json_port}/v1", api_key: none}}
  - model_name: bench-stream
    litellm_params: {{model: openai/{MODEL}, api_base: "http://127.0.0.1:{sse_port}/v1", api_key: none}}
litellm_settings:
  set_verbose: false
  json_logs: false
  drop_params: true
  telemetry: false
general_settings:
  master_key: {MASTER_KEY}            # LiteLLM 1.106 refuses to start without one
  disable_spend_logs: true
  disable_error_logs: true
  disable_reset_budget: true
""")

question = [{"role": "user", "content": "What does a ferry do?"}]
bodies = {
    "chat": {"model": "bench", "messages": question, "max_tokens": 64},
    "chat-direct": {"model": MODEL, "messages": question, "max_tokens": 64},
    "stream": {"model": "bench-stream", "messages": question, "max_tokens": 64, "stream": True},
    "stream-direct": {"model": MODEL, "messages": question, "max_tokens": 64, "stream": True},
    # Ferry reads an Ollama client's whole answer from the backend's stream (its durations split at the first token).
    "ollama": {"model": "bench-stream", "messages": question, "stream": False, "options": {"num_predict": 64}},
    # The same stream translated for Anthropic's and the Responses API's clients.
    "messages": {"model": "bench-stream", "messages": question, "max_tokens": 64, "stream": True},
    "responses": {"model": "bench-stream", "input": "What does a ferry do?", "max_output_tokens": 64, "stream": True, "store": False},
}
for name, body in bodies.items():
    (folder / f"{name}.lua").write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {MASTER_KEY}"\n'
        f"wrk.body = {json.dumps(json.dumps(body))}\n"
    )
(folder / "ports.json").write_text(json.dumps({"json": json_port, "sse": sse_port, "ferry": ferry_port, "litellm": litellm_port}))
