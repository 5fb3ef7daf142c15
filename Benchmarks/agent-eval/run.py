#!/usr/bin/env python3
"""The agent evaluation: a fixed set of tasks with tools (arithmetic, lookup, unit conversion) whose answers can be
checked, run with `ferry agent` on Ferry's embedded engine (SmolLM2-135M-Instruct through llama.cpp) over the test MCP
server, in each tool mode: `native` (tools in the API: its chat template has none, so the engine refuses them) and
`prompted` (tools in the prompt, the reply held to the action schema by llama.cpp's grammar) — the first turn with
`--tool-choice required` and, again, left to the model (`auto`). Prints a table: tasks solved, mean steps and tokens
per task, per mode. Not a timed test: it says what a small model does with Ferry's tool calling.

Usage: FERRY_BIN=.build/debug/ferry python3 Benchmarks/agent-eval/run.py [OUT.json]"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
FERRY = os.environ.get("FERRY_BIN", str(ROOT / ".build" / "debug" / "ferry"))
PYTHON = os.environ.get("MCP_PYTHON", str(ROOT / ".venv-conformance" / "bin" / "python"))
SERVER = str(ROOT / "Tests" / "Conformance" / "mcp_tools_server.py")

# (task, the tool that answers it, what the answer must contain)
TASKS = [
    ("What is 12 multiplied by 7?", "multiply", ["84"]),
    ("What is 1234 plus 4321?", "add", ["5555"]),
    ("What is 19 times 23?", "multiply", ["437"]),
    ("What is the capital of Japan?", "lookup_capital", ["Tokyo"]),
    ("What is the capital of Kenya?", "lookup_capital", ["Nairobi"]),
    ("What is the capital of Peru?", "lookup_capital", ["Lima"]),
    ("Convert 42 km to miles (mi).", "convert_units", ["26.10", "26.1"]),
    ("Convert 10 kg to pounds (lb).", "convert_units", ["22.05", "22.0"]),
    ("Convert 5 mi to km.", "convert_units", ["8.05", "8.0"]),
]


def config(mode):
    folder = tempfile.mkdtemp(prefix="ferry-agent-eval-")
    path = pathlib.Path(folder) / "ferry.yaml"
    path.write_text(f"backends:\n  local:\n    launch: {{preset: engine}}\n    tools: {mode}\nroutes:\n  default: {{backends: [local]}}\n"
                    f"mcp:\n  servers:\n    tools: {{command: \"{PYTHON}\", args: [\"{SERVER}\"]}}\n")
    return str(path)


def run(mode, choice):
    path = config(mode)
    rows = []
    for task, tool, expected in TASKS:
        result = subprocess.run([FERRY, "agent", "--config", path, "--json", "--temperature", "0", "--max-steps", "4", "--tool-choice", choice, task],
                                capture_output=True, text=True, timeout=600)
        try:
            transcript = json.loads(result.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            transcript = {"steps": [], "answer": None, "error": result.stderr.strip()[-300:]}
        steps = transcript.get("steps", [])
        called = [step for step in steps if step["type"] == "tool_result"]
        answer = transcript.get("answer") or ""
        rows.append({
            "task": task, "mode": mode, "choice": choice,
            "right_tool": any(step["name"] == tool and not step["failed"] for step in called),
            "solved": any(text in answer for text in expected),
            "steps": sum(1 for step in steps if step["type"] == "request"),
            "tokens": transcript.get("usage", {}).get("prompt_tokens", 0) + transcript.get("usage", {}).get("completion_tokens", 0),
            "tool_results": [f"{step['name']}: {step['content'][:40]}" for step in called],
            "answer": answer[:120], "error": transcript.get("error", "")[:200],
        })
    return rows


def main():
    modes = [("native", "auto"), ("prompted", "required"), ("prompted", "auto")]
    if os.environ.get("MODES"):
        modes = [tuple(item.split("/")) for item in os.environ["MODES"].split(",")]
    rows = [row for mode, choice in modes for row in run(mode, choice)]
    print("| mode | first turn | solved | right tool called | mean steps | mean tokens |")
    print("|---|---|---|---|---|---|")
    for mode, choice in modes:
        group = [row for row in rows if row["mode"] == mode and row["choice"] == choice]
        print(f"| {mode} | {choice} | {sum(r['solved'] for r in group)} of {len(group)} | {sum(r['right_tool'] for r in group)} of {len(group)} | "
              f"{sum(r['steps'] for r in group) / len(group):.1f} | {sum(r['tokens'] for r in group) / len(group):.0f} |")
    print()
    for row in rows:
        print(f"- [{row['mode']}/{row['choice']}] {row['task']} → {'✓' if row['solved'] else '✗'} tools {row['tool_results']} answer {row['answer']!r} {row['error']}")
    if len(sys.argv) > 1:
        pathlib.Path(sys.argv[1]).write_text(json.dumps(rows, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
