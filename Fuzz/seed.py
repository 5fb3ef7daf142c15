#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target (Fuzz/Corpus/<target>/) from the recorded stream fixtures
(Tests/FerryWireTests/Fixtures) and a few documents of each hand-read type. Deterministic: run it again after a
fixture changes and commit what changed. The first byte of each seed chooses what the target varies (chunk sizes,
or which reader or parser reads the rest)."""
import hashlib
import json
import pathlib
import shutil

root = pathlib.Path(__file__).resolve().parent
fixtures = root.parent / "Tests" / "FerryWireTests" / "Fixtures"
corpus = root / "Corpus"


def write(target, selector, data):
    if isinstance(data, str):
        data = data.encode()
    payload = bytes([selector]) + data
    folder = corpus / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(payload).hexdigest()[:16]).write_bytes(payload)


def sse_payloads(name):
    text = (fixtures / name).read_text()
    return [line[len("data: "):] for line in text.splitlines() if line.startswith("data: ") and line != "data: [DONE]"]


shutil.rmtree(corpus, ignore_errors=True)
fixture = {name: (fixtures / name).read_bytes() for name in
           ["openai-chat-stream.sse", "anthropic-stream.sse", "gemini-stream.sse", "ollama-chat-stream.ndjson", "gemini-stream.json"]}

# Framings: every fixture of the framing, cut three ways, and small edge cases.
for selector in (0, 5, 200):
    for name in ["openai-chat-stream.sse", "anthropic-stream.sse", "gemini-stream.sse"]:
        write("sse", selector, fixture[name])
    write("ndjson", selector, fixture["ollama-chat-stream.ndjson"])
    write("json-array", selector, fixture["gemini-stream.json"])
write("sse", 1, "\ufeffdata: a\r\ndata: b\r\rid: 7\nretry: 10\nevent: e\ndata\n\n: comment\ndata: tail")
write("sse", 2, "data:x\n\ndata:  two spaces\n\nid: a\x00b\ndata: after a NUL id\n\n")
write("ndjson", 1, '{"a":1}\r\n\r\n  \t\n{"b":2}')
write("ndjson", 2, "\n\n\r\n")
write("json-array", 1, '\ufeff [ {"a":"]"}, ["x\\"", 2] ,3,"s"]  ')
write("json-array", 2, "[]")

# The scanner: values of every kind to skip (0), strings (1), integers (2) and doubles (3).
documents = sse_payloads("openai-chat-stream.sse") + sse_payloads("anthropic-stream.sse")
for document in documents[:6]:
    write("json-scanner", 0, document)
for text in ['"plain"', '"caf\\u00e9 \\ud83d\\ude00 \\n"', '"مرحبا"']:
    write("json-scanner", 1, text)
for number in ["0", "-12", "9223372036854775807"]:
    write("json-scanner", 2, number)
for number in ["0.5", "-1e-3", "12345678901234567890", "1E+2"]:
    write("json-scanner", 3, number)

# Readers: 0 OpenAIChatRequest, 1 chunk, 2 completion, 3 message, 4 usage, 5 OllamaChatRequest, 6 ResponsesRequest.
write("readers", 0, json.dumps({"model": "m", "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}],
                                "stream": True, "max_tokens": 20, "temperature": 0.2, "stream_options": {"include_usage": True}}))
write("readers", 0, json.dumps({"model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}], "stop": ["\n"]}))
for document in sse_payloads("openai-chat-stream.sse"):
    write("readers", 1, document)
write("readers", 2, json.dumps({"id": "c1", "object": "chat.completion", "created": 1, "model": "m",
                                "choices": [{"index": 0, "message": {"role": "assistant", "content": "Paris."}, "finish_reason": "stop"}],
                                "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}}))
write("readers", 3, json.dumps({"role": "assistant", "content": None, "tool_calls": [{"id": "t", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}))
write("readers", 4, json.dumps({"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}))
write("readers", 5, json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": False, "options": {"temperature": 0.1, "num_predict": 9}}))
write("readers", 6, json.dumps({"model": "m", "input": "hi", "stream": True, "instructions": "be brief", "max_output_tokens": 30}))
write("readers", 6, json.dumps({"model": "m", "input": [{"role": "user", "content": "hi"}], "previous_response_id": "resp_1", "store": False}))

# Stream parsers: 0 OpenAI, 1 Ollama, 2 Gemini SSE, 3 Gemini array, 4 Anthropic.
for selector, name in [(0, "openai-chat-stream.sse"), (1, "ollama-chat-stream.ndjson"), (2, "gemini-stream.sse"),
                       (3, "gemini-stream.json"), (4, "anthropic-stream.sse")]:
    for cut in (0, 7, 101):
        write("streams", selector, bytes([cut]) + fixture[name])

for folder in sorted(corpus.iterdir()):
    print(f"{folder.name}: {len(list(folder.iterdir()))} seeds")
