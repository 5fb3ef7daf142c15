"""Schemathesis over every endpoint of `docs/openapi.yaml` against `ferry serve` (a FerrySim backend, the response
cache on, documents embedded through the route, an admin key): valid and invalid requests of every shape. No answer
may be a 5xx, every refusal must be a 4xx JSON error in the shape of the API called (Ollama's under /api/ but for
Ferry's documents API, Anthropic's under /v1/messages, OpenAI's elsewhere), statuses and content types must be the documented ones, and the
server must still answer afterwards. FERRY_API_FUZZ_EXAMPLES sets the examples per operation and mode (25 by
default; more by hand)."""
import collections
import json
import os
import pathlib

import httpx
import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance  # noqa: E402

from conftest import FERRY_BIN, RunningProcess, start_sim  # noqa: E402

OPENAPI = pathlib.Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
EXAMPLES = int(os.environ.get("FERRY_API_FUZZ_EXAMPLES", "25"))
ADMIN = "fuzz-admin-key"

STATUSES = collections.Counter()

schema = schemathesis.openapi.from_path(OPENAPI)
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


FERRY_PATHS = ("/api/documents", "/api/search", "/api/collections", "/api/query", "/api/sessions")


def dialect_of(path):
    """Ollama's API under /api/ (Ferry's own documents API there speaks OpenAI's errors), Anthropic's under
    /v1/messages, OpenAI's elsewhere."""
    if path.startswith("/api/") and not path.startswith(FERRY_PATHS):
        return "ollama"
    if path.startswith("/v1/messages"):
        return "anthropic"
    return "openai"


@schemathesis.check
def refusals_in_the_callers_dialect(ctx, response, case):
    """A 4xx is JSON, in the shape of the API called, with a message that says something."""
    STATUSES[f"{response.status_code // 100}xx"] += 1
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"{response.status_code} is not JSON: {response.content[:200]!r}") from None
    dialect = dialect_of(case.path)
    if dialect == "ollama":
        assert isinstance(body.get("error"), str) and body["error"], body
    elif dialect == "anthropic":
        assert body.get("type") == "error" and isinstance(body.get("error"), dict) and body["error"].get("message"), body
    else:
        assert isinstance(body.get("error"), dict) and body["error"].get("message") and body["error"].get("type"), body
    return True


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    sim = start_sim("vllm", "demo")
    folder = tmp_path_factory.mktemp("api-fuzz")
    config = folder / "ferry.yaml"
    config.write_text(
        f"backends:\n  sim: {{provider: vllm, url: \"{sim.url}/v1\", model: demo}}\n"
        "routes:\n  default: {backends: [sim]}\n"
        f"server:\n  admin_key: {ADMIN}\n"
        "cache:\n  enabled: true\n"
        "rag:\n  embedding:\n    route: default\n"
    )
    ferry = RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"],
                           env={**os.environ, "FERRY_DATA_DIR": str(folder / "data")})
    # Something to find: a document, so that search, query and deletion have more than empty collections.
    uploaded = httpx.post(ferry.url + "/api/documents", files={"file": ("notes.md", b"# Ferry\nFerry routes requests to backends.\n")},
                          headers={"Authorization": f"Bearer {ADMIN}"}, timeout=60)
    if uploaded.status_code != 201:
        ferry.stop()
        sim.stop()
        pytest.fail(f"the document upload the fuzzing starts from failed: {uploaded.status_code} {uploaded.text}")
    yield ferry
    print(f"\nschemathesis: {sum(STATUSES.values())} requests over {len(list(schema.get_all_operations()))} operations: "
          + ", ".join(f"{kind} {count}" for kind, count in sorted(STATUSES.items())))
    assert ferry.process.poll() is None, "ferry serve died under the fuzzer"
    assert httpx.get(ferry.url + "/health", timeout=10).status_code == 200
    assert ferry.stop() == 0
    sim.stop()


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_every_endpoint_refuses_bad_input_in_its_dialect_and_never_fails(case, gateway):
    case.call_and_validate(
        base_url=gateway.url,
        headers={"Authorization": f"Bearer {ADMIN}"},
        timeout=30,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, refusals_in_the_callers_dialect],
    )
