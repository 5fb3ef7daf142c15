"""No secret ever shows: after a run that used every kind of key — a static API key, a key made with `ferry keys`,
the admin key, a backend's API key — and failed in the ways that write errors (a wrong key, a backend refusing its
key, an unknown route), none of them appears in the gateway's log (at debug level), /status, /metrics, any answer
or error body, or `ferry config`'s output."""
import json
import os
import subprocess

import httpx

from conftest import FERRY_BIN, RunningProcess, start_sim

STATIC = "sk-static-0123456789abcdef"
ADMIN = "admin-0123456789abcdef"
BACKEND = "sk-backend-0123456789abcdef"


def test_no_secret_in_logs_status_metrics_errors_or_config(tmp_path):
    guarded = start_sim("vllm", "demo", extra=["--api-key", BACKEND])
    wrong = start_sim("vllm", "demo", extra=["--api-key", "another-" + BACKEND])
    config = tmp_path / "ferry.yaml"
    config.write_text(
        "backends:\n"
        f"  guarded: {{provider: vllm, url: \"{guarded.url}/v1\", model: demo, api_key: {BACKEND}}}\n"
        f"  refused: {{provider: vllm, url: \"{wrong.url}/v1\", model: demo, api_key: {BACKEND}}}\n"
        "routes:\n  default: {backends: [guarded]}\n  refused: {backends: [refused], retry: {attempts: 1}}\n"
        f"server:\n  api_keys: [{STATIC}]\n  admin_key: {ADMIN}\n"
    )
    env = {**os.environ, "FERRY_DATA_DIR": str(tmp_path / "data")}
    made = subprocess.run([FERRY_BIN, "keys", "create", "--config", str(config), "--name", "team", "--json"], env=env, capture_output=True, text=True, timeout=60)
    stored = json.loads(made.stdout)["secret"]
    secrets = [STATIC, ADMIN, BACKEND, stored]
    ferry = RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "trace"], env=env)
    bodies = []
    try:
        url = ferry.url
        chat = {"model": "default", "messages": [{"role": "user", "content": "hi"}]}
        for key in (STATIC, stored):
            for stream in (False, True):
                answer = httpx.post(url + "/v1/chat/completions", headers={"Authorization": f"Bearer {key}"}, json={**chat, "stream": stream}, timeout=30)
                assert answer.status_code == 200
                bodies.append(answer.text + json.dumps(dict(answer.headers)))
        for headers in ({"Authorization": "Bearer " + BACKEND}, {"x-api-key": STATIC + "x"}, {}):
            refused = httpx.post(url + "/v1/chat/completions", headers=headers, json=chat, timeout=30)
            assert refused.status_code == 401
            bodies.append(refused.text)
        failed = httpx.post(url + "/v1/chat/completions", headers={"Authorization": f"Bearer {stored}"}, json={**chat, "model": "refused"}, timeout=30)
        assert failed.status_code >= 400
        bodies.append(failed.text)
        bodies.append(httpx.post(url + "/api/chat", headers={"Authorization": f"Bearer {stored}"}, json={**chat, "model": "nowhere"}, timeout=30).text)
        bodies.append(httpx.get(url + "/status", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=10).text)
        bodies.append(httpx.get(url + "/metrics", headers={"Authorization": f"Bearer {STATIC}"}, timeout=10).text)
        bodies.append(httpx.get(url + "/admin/keys", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=10).text)
        bodies.append(httpx.get(url + "/admin/usage", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=10).text)
    finally:
        assert ferry.stop() == 0
        guarded.stop()
        wrong.stop()
    shown = subprocess.run([FERRY_BIN, "config", "--config", str(config)], env=env, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0
    listed = subprocess.run([FERRY_BIN, "keys", "list", "--config", str(config), "--json"], env=env, capture_output=True, text=True, timeout=60)
    log = "".join(ferry.output)
    assert "request failed" in log, "the log was captured, errors included"
    for place, text in [("the log", log), ("ferry config", shown.stdout + shown.stderr), ("ferry keys list", listed.stdout)] + [(f"answer {index}", body) for index, body in enumerate(bodies)]:
        leaked = [secret for secret in secrets if secret in text]
        assert not leaked, f"{place} shows a secret: {[secret[:6] + '…' for secret in leaked]}"
