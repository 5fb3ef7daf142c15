"""The deployment files under deploy/, kept working: the Kubernetes manifests against Kubernetes' own JSON schemas
(kubernetes-validate, strict), every ferry.yaml they carry loaded by the real `ferry config`, the compose file's
references, the Dockerfile's stages, and the Grafana dashboard and Prometheus config against the metrics a running
`ferry serve` exports. Not run here (no Docker engine, no cluster): `docker build`, `docker compose config` (the
compose plugin is not installed), `kubectl apply`."""
import json
import os
import pathlib
import re
import subprocess

import httpx
import kubernetes_validate
import yaml

from conftest import FERRY_BIN, RunningProcess, start_sim

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
KUBERNETES_VERSION = "1.32.0"


def manifests():
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                yield path.name, document


def ferry_config(text, tmp_path, name, env=None):
    path = tmp_path / name
    path.write_text(text)
    done = subprocess.run([FERRY_BIN, "config", "--config", str(path)], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "FERRY_DATA_DIR": str(tmp_path / "data"), **(env or {})})
    assert done.returncode == 0, f"{name}: {done.stderr}"
    return done.stdout


def test_kubernetes_manifests_validate_against_the_schemas_strictly():
    kinds = []
    for name, document in manifests():
        if document.get("kind") == "Kustomization":
            for resource in document["resources"]:
                assert (DEPLOY / "kubernetes" / resource).exists(), f"{name} lists {resource}, which is missing"
            continue
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        kinds.append(document["kind"])
    assert sorted(kinds) == ["ConfigMap", "Deployment", "Deployment", "PodDisruptionBudget", "Secret", "Service", "Service"]


def test_the_deployment_probes_ready_and_health_runs_as_non_root_and_mounts_the_config():
    documents = {(document["kind"], document["metadata"]["name"]): document for _, document in manifests() if "metadata" in document}
    ferry = documents[("Deployment", "ferry")]["spec"]["template"]["spec"]
    container = ferry["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready" and container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert ferry["securityContext"]["runAsNonRoot"] and ferry["securityContext"]["runAsUser"] != 0
    assert container["resources"]["requests"]["cpu"] and container["resources"]["requests"]["memory"]
    assert {"secretRef": {"name": "ferry-secrets"}} in container["envFrom"] and ("Secret", "ferry-secrets") in documents
    assert documents[("Service", "vllm-headless")]["spec"]["clusterIP"] == "None"
    pdb = documents[("PodDisruptionBudget", "ferry")]["spec"]
    assert pdb["minAvailable"] < documents[("Deployment", "ferry")]["spec"]["replicas"]
    # The pods carry the annotations the Prometheus config keeps.
    annotations = documents[("Deployment", "ferry")]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true" and annotations["prometheus.io/path"] == "/metrics"


def test_every_ferry_yaml_loads_in_ferry_config(tmp_path):
    configmap = next(document for _, document in manifests() if document.get("kind") == "ConfigMap")
    secret = next(document for _, document in manifests() if document.get("kind") == "Secret")
    shown = ferry_config(configmap["data"]["ferry.yaml"], tmp_path, "kubernetes.yaml", env={"STORE": secret["stringData"]["STORE"]})
    assert "prefix-affinity" in shown and "dns://vllm-headless" in shown
    assert "change-me" not in shown, "ferry config shows no secret"
    for name in ("ferry.yaml", "ferry-cpu.yaml"):
        ferry_config((DEPLOY / "compose" / name).read_text(), tmp_path, name, env={"STORE": "postgres://ferry:ferry@postgres:5432/ferry"})


def test_the_compose_file_refers_to_what_exists():
    compose = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())
    services = compose["services"]
    assert {"gpu", "cpu"} <= {profile for service in services.values() for profile in service.get("profiles", [])}
    for name, service in services.items():
        build = service.get("build")
        if build:
            context = (DEPLOY / "compose" / build["context"]).resolve()
            assert (context / build["dockerfile"]).exists(), f"{name}: {build}"
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / "compose" / source).exists(), f"{name} mounts {source}, which is missing"
            else:
                assert source in compose["volumes"], f"{name} uses the volume {source}, which is not declared"
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on {dependency}, which is not a service"
    assert services["ferry"]["environment"]["STORE"].startswith("postgres://") and "postgres" in services["ferry"]["depends_on"]


def test_the_dockerfile_builds_static_runs_as_non_root_and_checks_ready():
    text = (DEPLOY / "Dockerfile").read_text()
    instructions = [line.split(None, 1) for line in re.sub(r"\\\n", " ", text).splitlines() if line.strip() and not line.lstrip().startswith("#")]
    stages = [arguments for keyword, arguments in instructions if keyword == "FROM"]
    assert len(stages) == 2 and stages[0].endswith("AS build")
    assert any(keyword == "USER" and not arguments.startswith(("0", "root")) for keyword, arguments in instructions)
    assert any(keyword == "HEALTHCHECK" and "/ready" in arguments for keyword, arguments in instructions)
    build = " ".join(arguments for keyword, arguments in instructions if keyword == "RUN" and "swift build" in arguments)
    # The same release build the overhead benchmark makes (and measures) on this machine.
    assert "swift build -c release --product ferry --static-swift-stdlib" in build
    assert "swift build -c release --product ferry --static-swift-stdlib" in (ROOT / "Benchmarks/gateway-overhead/run.sh").read_text()
    for keyword, arguments in instructions:
        if keyword == "COPY" and not arguments.startswith("--from"):
            for source in arguments.split()[:-1]:
                assert (ROOT / source).exists(), f"COPY {source}: missing"


def test_the_dashboard_and_the_scrape_config_use_metrics_ferry_exports(tmp_path):
    sim, failing = start_sim("vllm", "demo"), start_sim("vllm", "demo", extra=["--fault", "503@1"])
    config = tmp_path / "ferry.yaml"
    config.write_text(
        f"backends:\n  dead: {{provider: vllm, url: \"{failing.url}/v1\", model: demo}}\n"
        f"  sim: {{provider: vllm, url: \"{sim.url}/v1\", model: demo}}\n"
        "routes:\n  default: {backends: [dead, sim], retry: {attempts: 3, base_delay: 10ms, max_delay: 20ms}}\n"
        "cache:\n  store: memory\nserver:\n  api_keys: [metrics-key]\ncircuit:\n  threshold: 1000\n"
    )
    ferry = RunningProcess([FERRY_BIN, "serve", "--config", str(config), "--host", "127.0.0.1", "--port", "0", "--log-level", "error"],
                           env={**os.environ, "FERRY_DATA_DIR": str(tmp_path / "data")})
    try:
        headers = {"Authorization": "Bearer metrics-key"}
        for stream in (False, True, False):
            httpx.post(ferry.url + "/v1/chat/completions", headers=headers, json={"model": "default", "stream": stream, "temperature": 0,
                       "messages": [{"role": "user", "content": "hi"}]}, timeout=30).raise_for_status()
        httpx.post(ferry.url + "/v1/chat/completions", json={"model": "default", "messages": []}, timeout=30)
        exported = {line.split("{")[0].split(" ")[0] for line in httpx.get(ferry.url + "/metrics", headers=headers, timeout=10).text.splitlines() if line and not line.startswith("#")}
    finally:
        assert ferry.stop() == 0
        sim.stop()
        failing.stop()
    exported |= {re.sub(r"_(bucket|sum|count)$", "", name) for name in exported}
    dashboard = json.loads((DEPLOY / "grafana" / "ferry-dashboard.json").read_text())
    used = {name for panel in dashboard["panels"] for target in panel["targets"] for name in re.findall(r"\bferry_[a-z_]+", target["expr"])}
    assert used and used <= exported, f"the dashboard uses metrics Ferry does not export: {sorted(used - exported)}"
    assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"])
    prometheus = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in prometheus["scrape_configs"]}
    assert jobs["ferry-compose"]["metrics_path"] == "/metrics" and jobs["ferry-compose"]["static_configs"][0]["targets"] == ["ferry:8080"]
