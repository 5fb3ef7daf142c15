"""Keys made at run time (`ferry keys`), their limits and usage (`ferry usage`), through `ferry serve` with the
official SDKs: every refusal in each API's own shape, limits under concurrency, usage equal to what FerrySim served,
a key rotated under load refused at once, and no secret ever in the logs."""
import concurrent.futures
import json
import os
import subprocess
import threading
import time

import anthropic
import httpx
import ollama
import openai
import pytest

from conftest import FERRY_BIN, RunningProcess, start_sim

ADMIN = "admin-secret-for-tests"
ASK = [{"role": "user", "content": "Say hello."}]


def stats(sim):
    return httpx.get(sim.url + "/_sim/stats", timeout=10).json()["stats"]


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    sim = start_sim("vllm", "demo")
    slow = start_sim("vllm", "demo", tokens_per_second=20)
    config = folder / "ferry.yaml"
    config.write_text(
        "backends:\n"
        f"  vllm: {{provider: vllm, url: \"{sim.url}/v1\", model: demo}}\n"
        f"  slow: {{provider: vllm, url: \"{slow.url}/v1\", model: demo}}\n"
        "routes:\n  default: {backends: [vllm]}\n  other: {backends: [vllm]}\n  slow: {backends: [slow]}\n"
        f"server:\n  admin_key: {ADMIN}\n"
    )
    env = {**os.environ, "FERRY_DATA_DIR": str(folder / "data")}

    def ferry(*args):
        done = subprocess.run([FERRY_BIN, *args, "--config", str(config)], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def make(name, *options):
        return json.loads(ferry("keys", "create", "--name", name, "--json", *options))

    keys = {
        "full": make("full"),
        "narrow": make("narrow", "--routes", "default"),
        "rpm": make("rpm", "--rpm", "5"),
        "parallel": make("parallel", "--max-parallel", "2"),
        "counted": make("counted"),
        "rotating": make("rotating"),
        "tpm": make("tpm", "--tpm", "30"),
    }
    process = RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "debug"], env=env)
    yield {"url": process.url, "keys": keys, "ferry": ferry, "make": make, "sim": sim, "slow": slow, "process": process}
    assert process.stop() == 0
    sim.stop()
    slow.stop()
    secrets = [key["secret"] for key in keys.values()] + [key["secret"] for key in gateway_secrets]
    log = "".join(process.output)
    assert not [secret for secret in secrets if secret in log], "a secret reached the log"


gateway_secrets = []


def oa(gateway, key):
    return openai.OpenAI(base_url=gateway["url"] + "/v1", api_key=key, max_retries=0)


def test_a_request_without_a_key_or_with_a_wrong_one_gets_401_in_every_dialect(gateway):
    url = gateway["url"]
    with pytest.raises(openai.AuthenticationError) as raised:
        oa(gateway, "wrong").chat.completions.create(model="default", messages=ASK)
    assert raised.value.body["message"].startswith("The API key is not accepted")
    with pytest.raises(anthropic.AuthenticationError):
        anthropic.Anthropic(base_url=url, api_key="fk_000000000000_" + "A" * 32, max_retries=0).messages.create(model="default", max_tokens=8, messages=ASK)
    with pytest.raises(ollama.ResponseError) as raised:
        ollama.Client(host=url).chat(model="default", messages=ASK)
    assert raised.value.status_code == 401 and "needs an API key" in raised.value.error
    response = httpx.post(url + "/v1/responses", json={"model": "default", "input": "hi"}, timeout=10)
    assert response.status_code == 401 and response.json()["error"]["message"].startswith("This gateway needs an API key")
    assert httpx.get(url + "/health", timeout=10).status_code == 200, "probes stay open"


def test_a_route_the_key_may_not_use_gets_403_naming_what_it_may_use(gateway):
    narrow = gateway["keys"]["narrow"]["secret"]
    assert oa(gateway, narrow).chat.completions.create(model="default", messages=ASK).choices[0].message.content
    with pytest.raises(openai.PermissionDeniedError) as raised:
        oa(gateway, narrow).chat.completions.create(model="other", messages=ASK)
    assert "may not use the route \"other\"" in raised.value.body["message"] and "default" in raised.value.body["message"]
    with pytest.raises(anthropic.PermissionDeniedError):
        anthropic.Anthropic(base_url=gateway["url"], api_key=narrow, max_retries=0).messages.create(model="other", max_tokens=8, messages=ASK)
    with pytest.raises(ollama.ResponseError) as raised:
        ollama.Client(host=gateway["url"], headers={"Authorization": f"Bearer {narrow}"}).chat(model="other", messages=ASK)
    assert raised.value.status_code == 403
    response = httpx.post(gateway["url"] + "/v1/responses", headers={"Authorization": f"Bearer {narrow}"}, json={"model": "other", "input": "hi"}, timeout=10)
    assert response.status_code == 403 and response.json()["error"]["type"]


def test_requests_per_minute_under_concurrency_admit_exactly_the_limit_then_429_with_retry_after(gateway):
    secret = gateway["keys"]["rpm"]["secret"]

    def one(_):
        return httpx.post(gateway["url"] + "/v1/chat/completions", headers={"Authorization": f"Bearer {secret}"},
                          json={"model": "default", "messages": ASK}, timeout=30)

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(one, range(20)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses.count(200) == 5 and statuses.count(429) == 15, statuses
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "its 5 requests of the last minute" in refused.json()["error"]["message"]
    with pytest.raises(anthropic.RateLimitError):
        anthropic.Anthropic(base_url=gateway["url"], api_key=secret, max_retries=0).messages.create(model="default", max_tokens=8, messages=ASK)


def test_tokens_per_minute_refuse_once_the_minute_is_used_up_in_every_dialect(gateway):
    secret = gateway["keys"]["tpm"]["secret"]
    answer = oa(gateway, secret).chat.completions.create(model="default", messages=ASK, max_tokens=40)
    assert answer.usage.prompt_tokens + answer.usage.completion_tokens >= 30
    with pytest.raises(openai.RateLimitError) as raised:
        oa(gateway, secret).chat.completions.create(model="default", messages=ASK)
    assert "its 30 tokens of the last minute" in raised.value.body["message"]
    assert 1 <= int(raised.value.response.headers["retry-after"]) <= 60
    with pytest.raises(ollama.ResponseError) as refused:
        ollama.Client(host=gateway["url"], headers={"Authorization": f"Bearer {secret}"}).chat(model="default", messages=ASK)
    assert refused.value.status_code == 429 and "tokens of the last minute" in refused.value.error
    response = httpx.post(gateway["url"] + "/v1/responses", headers={"Authorization": f"Bearer {secret}"}, json={"model": "default", "input": "hi"}, timeout=10)
    assert response.status_code == 429 and response.json()["error"]["type"] and "retry-after" in response.headers
    with pytest.raises(anthropic.RateLimitError):
        anthropic.Anthropic(base_url=gateway["url"], api_key=secret, max_retries=0).messages.create(model="default", max_tokens=8, messages=ASK)


def test_parallel_requests_beyond_the_limit_are_refused_and_never_reach_the_backend(gateway):
    secret = gateway["keys"]["parallel"]["secret"]
    body = {"model": "slow", "messages": ASK, "max_tokens": 20, "stream": True}
    peak = {"running": 0}
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            peak["running"] = max(peak["running"], stats(gateway["slow"])["running"])
            time.sleep(0.02)

    def one(_):
        with httpx.stream("POST", gateway["url"] + "/v1/chat/completions", headers={"Authorization": f"Bearer {secret}"}, json=body, timeout=30) as response:
            response.read()
            return response.status_code

    watcher = threading.Thread(target=watch)
    watcher.start()
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(one, range(6)))
    stop.set()
    watcher.join()
    assert statuses.count(200) == 2 and statuses.count(429) == 4, statuses
    assert peak["running"] <= 2


def test_usage_totals_equal_what_the_backend_served(gateway):
    secret = gateway["keys"]["counted"]["secret"]
    before = stats(gateway["sim"])
    client = oa(gateway, secret)
    prompt = completion = 0
    for index in range(6):
        answer = client.chat.completions.create(model="default" if index % 2 else "other", messages=ASK, max_tokens=12)
        prompt += answer.usage.prompt_tokens
        completion += answer.usage.completion_tokens
    with client.chat.completions.create(model="default", messages=ASK, max_tokens=12, stream=True, stream_options={"include_usage": True}) as stream:
        for chunk in stream:
            if chunk.usage:
                prompt += chunk.usage.prompt_tokens
                completion += chunk.usage.completion_tokens
    served = stats(gateway["sim"])["completed"] - before["completed"]
    assert served == 7
    time.sleep(1.5)  # written each second
    rows = json.loads(gateway["ferry"]("usage", "--key", "counted", "--json"))
    assert rows == [{"key": "counted", "requests": 7, "prompt_tokens": prompt, "completion_tokens": completion, "errors": 0, "cache_hits": 0}]
    by_route = json.loads(gateway["ferry"]("usage", "--key", "counted", "--by", "route", "--json"))
    assert {row["route"]: row["requests"] for row in by_route} == {"default": 4, "other": 3}
    admin = httpx.get(gateway["url"] + "/admin/usage", params={"key": "counted", "by": "model"}, headers={"Authorization": f"Bearer {ADMIN}"}, timeout=10)
    assert admin.status_code == 200 and sum(row["requests"] for row in admin.json()) == 7


def test_a_key_made_while_serving_works_within_a_second_and_a_rotated_one_stops_at_once(gateway):
    late = gateway["make"]("late")
    gateway_secrets.append(late)
    time.sleep(1.0)
    assert oa(gateway, late["secret"]).models.list().data

    old = gateway["keys"]["rotating"]["secret"]
    failures, stop = [], threading.Event()

    def load():
        client = httpx.Client(timeout=10)
        while not stop.is_set():
            response = client.post(gateway["url"] + "/v1/chat/completions", headers={"Authorization": f"Bearer {old}"}, json={"model": "default", "messages": ASK})
            failures.append(response.status_code)

    workers = [threading.Thread(target=load) for _ in range(4)]
    for worker in workers:
        worker.start()
    time.sleep(0.3)
    rotated = httpx.post(gateway["url"] + "/admin/keys/rotating/rotate", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=10)
    assert rotated.status_code == 200
    gateway_secrets.append(rotated.json())
    after = httpx.post(gateway["url"] + "/v1/chat/completions", headers={"Authorization": f"Bearer {old}"}, json={"model": "default", "messages": ASK}, timeout=10)
    stop.set()
    for worker in workers:
        worker.join()
    assert after.status_code == 401, "the old secret must stop working as soon as the rotation is answered"
    assert 200 in failures, "the old secret worked under load until the rotation"
    assert oa(gateway, rotated.json()["secret"]).chat.completions.create(model="default", messages=ASK).choices


def test_keys_are_listed_disabled_and_deleted_without_their_secrets(gateway):
    listed = json.loads(gateway["ferry"]("keys", "list", "--json"))
    names = {key["name"] for key in listed}
    assert {"full", "narrow", "rpm"} <= names
    assert all("secret" not in key and "hash" not in key for key in listed)
    admin = httpx.get(gateway["url"] + "/admin/keys", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=10).json()
    assert {key["name"] for key in admin} >= names and "secret" not in json.dumps(admin)
    gateway["ferry"]("keys", "disable", "full")
    time.sleep(1.0)
    with pytest.raises(openai.AuthenticationError) as raised:
        oa(gateway, gateway["keys"]["full"]["secret"]).chat.completions.create(model="default", messages=ASK)
    assert "disabled" in raised.value.body["message"]
    gateway["ferry"]("keys", "enable", "full")
    time.sleep(1.0)
    assert oa(gateway, gateway["keys"]["full"]["secret"]).chat.completions.create(model="default", messages=ASK).choices
    made = httpx.post(gateway["url"] + "/admin/keys", headers={"Authorization": f"Bearer {ADMIN}"}, json={"name": "temporary", "rpm": 0}, timeout=10)
    assert made.status_code == 400 and made.json()["error"]["param"] == "rpm"
    made = httpx.post(gateway["url"] + "/admin/keys", headers={"Authorization": f"Bearer {ADMIN}"}, json={"name": "temporary"}, timeout=10)
    assert made.status_code == 201
    gateway_secrets.append(made.json())
    assert httpx.delete(gateway["url"] + "/admin/keys/temporary", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=10).status_code == 200
    response = httpx.post(gateway["url"] + "/v1/chat/completions", headers={"Authorization": f"Bearer {made.json()['secret']}"}, json={"model": "default", "messages": ASK}, timeout=10)
    assert response.status_code == 401


def test_keyed_chat_is_served_on_the_fast_path(gateway):
    secret = gateway["keys"]["full"]["secret"]
    oa(gateway, secret).chat.completions.create(model="default", messages=ASK)
    metrics = httpx.get(gateway["url"] + "/metrics", headers={"Authorization": f"Bearer {secret}"}, timeout=10).text
    served = [line for line in metrics.splitlines() if line.startswith('ferry_inline_requests_total{outcome="served"}')]
    assert served and float(served[0].split()[-1]) > 0
    assert 'ferry_key_refusals_total{reason="rpm"}' in metrics


@pytest.mark.skipif(not os.environ.get("FERRY_TEST_POSTGRES_URL"), reason="no PostgreSQL (.ci/run starts one)")
def test_replicas_sharing_postgresql_share_keys_and_hold_a_limit_between_them(gateway, tmp_path):
    url = os.environ["FERRY_TEST_POSTGRES_URL"]
    config = tmp_path / "replica.yaml"
    config.write_text(
        f"backends:\n  vllm: {{provider: vllm, url: \"{gateway['sim'].url}/v1\", model: demo}}\n"
        "routes:\n  default: {backends: [vllm]}\n"
        f"keys:\n  store: postgres\n  postgres:\n    url: {url}\n"
    )
    env = {**os.environ, "FERRY_DATA_DIR": str(tmp_path / "data")}
    name = f"shared-{os.getpid()}-{int(time.time())}"
    made = subprocess.run([FERRY_BIN, "keys", "create", "--config", str(config), "--name", name, "--rpm", "10", "--json"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    secret = json.loads(made.stdout)["secret"]
    gateway_secrets.append({"secret": secret})
    replicas = [RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"], env=env) for _ in range(2)]
    try:
        statuses = []
        # Twenty requests, alternating between the replicas, 0.3 s apart: each replica alone would admit ten.
        for index in range(20):
            response = httpx.post(replicas[index % 2].url + "/v1/chat/completions", headers={"Authorization": f"Bearer {secret}"},
                                  json={"model": "default", "messages": ASK}, timeout=10)
            statuses.append(response.status_code)
            time.sleep(0.3)
        admitted = statuses.count(200)
        assert 10 <= admitted <= 12, f"the limit of 10 held across both replicas within the stated tolerance: {statuses}"
        assert set(statuses) <= {200, 429}
        time.sleep(1.5)
        usage = subprocess.run([FERRY_BIN, "usage", "--config", str(config), "--key", name, "--json"], env=env, capture_output=True, text=True, timeout=60)
        # Usage counts what was admitted and served; refusals are counted in ferry_key_refusals_total.
        assert json.loads(usage.stdout)[0]["requests"] == admitted and json.loads(usage.stdout)[0]["errors"] == 0
    finally:
        for replica in replicas:
            assert replica.stop() == 0
        subprocess.run([FERRY_BIN, "keys", "delete", name, "--config", str(config)], env=env, capture_output=True, timeout=60)
