"""DNS discovery and failover across hosts, not ports: two FerrySim replicas each in a network namespace of its own,
`ferry serve` in a third, joined by veth pairs (addresses in 10.231.0.0/16, inside the test's namespaces only), the
replicas found through a `dns://` name that the gateway's namespace resolves to both (its own /etc/hosts, which
`ip netns exec` mounts). One replica's host disappears — its link goes down, so packets are dropped, not refused —
and the gateway keeps answering from the other; the host comes back and is used again. Needs root and `ip netns`;
skips with the reason otherwise. Everything is removed at the end."""
import json
import os
import pathlib
import re
import shutil
import subprocess
import time

import pytest

from conftest import FERRY_BIN

TAG = f"f{os.getpid() % 100000}"
GATEWAY, REPLICAS = f"{TAG}gw", [f"{TAG}r1", f"{TAG}r2"]


def sh(*args, check=True):
    return subprocess.run(list(args), capture_output=True, text=True, check=check, timeout=30)


def netns_available():
    if os.geteuid() != 0 or not shutil.which("ip"):
        return "needs root and iproute2's ip"
    probe = f"{TAG}probe"
    done = sh("ip", "netns", "add", probe, check=False)
    if done.returncode != 0:
        return f"ip netns is not permitted here: {done.stderr.strip()}"
    sh("ip", "netns", "del", probe, check=False)
    return None


pytestmark = pytest.mark.skipif(bool(netns_available()), reason=netns_available() or "")


def inside(namespace, *args):
    return ["ip", "netns", "exec", namespace, *args]


@pytest.fixture
def hosts(tmp_path):
    """The namespaces, links and addresses; the replicas serving; the gateway's /etc/hosts. Removed afterwards."""
    processes, hosts_dir = [], pathlib.Path("/etc/netns") / GATEWAY
    try:
        for namespace in [GATEWAY, *REPLICAS]:
            sh("ip", "netns", "add", namespace)
            sh(*inside(namespace, "ip", "link", "set", "lo", "up"))
        for index, replica in enumerate(REPLICAS, start=1):
            outside, inner = f"{TAG}g{index}", f"{TAG}v{index}"
            sh("ip", "link", "add", outside, "netns", GATEWAY, "type", "veth", "peer", "name", inner, "netns", replica)
            sh(*inside(GATEWAY, "ip", "addr", "add", f"10.231.{index}.1/30", "dev", outside))
            sh(*inside(replica, "ip", "addr", "add", f"10.231.{index}.2/30", "dev", inner))
            sh(*inside(GATEWAY, "ip", "link", "set", outside, "up"))
            sh(*inside(replica, "ip", "link", "set", inner, "up"))
            log = open(tmp_path / f"sim{index}.log", "w")
            processes.append(subprocess.Popen(inside(replica, FERRY_BIN, "sim", "--dialect", "vllm", "--host", f"10.231.{index}.2", "--port", "8000",
                                                     "--model", "demo", "--ttft", "0", "--tokens-per-second", "0", "--log-level", "warning"),
                                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        hosts_dir.mkdir(parents=True, exist_ok=True)
        (hosts_dir / "hosts").write_text("127.0.0.1 localhost\n10.231.1.2 vllm-replicas\n10.231.2.2 vllm-replicas\n")
        yield processes
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for namespace in [GATEWAY, *REPLICAS]:
            sh("ip", "netns", "del", namespace, check=False)
        shutil.rmtree(hosts_dir, ignore_errors=True)


def ask(port):
    done = sh(*inside(GATEWAY, "curl", "-s", "-m", "20", "-D", "-", f"http://127.0.0.1:{port}/v1/chat/completions",
                      "-H", "content-type: application/json", "-d", json.dumps({"model": "default", "messages": [{"role": "user", "content": "hi"}]})), check=False)
    head = done.stdout.replace("\r\n", "\n").split("\n\n", 1)[0]
    status = int(head.split()[1]) if head.startswith("HTTP/") else 0
    backend = next((line.split(":", 1)[1].strip() for line in head.split("\n") if line.lower().startswith("x-ferry-backend:")), None)
    return status, backend


def test_replicas_on_their_own_hosts_are_found_by_dns_and_a_host_that_disappears_is_routed_around(hosts, tmp_path):
    config = tmp_path / "ferry.yaml"
    config.write_text(
        "backends:\n  vllm: {provider: vllm, url: \"dns://vllm-replicas:8000\", model: demo}\n"
        "routes:\n  default: {backends: [vllm], strategy: round-robin, retry: {attempts: 3, base_delay: 10ms, max_delay: 50ms},"
        " timeouts: {first_event: 2s, total: 3s}}\n"
        "dns:\n  refresh_interval: 1s\nhealth:\n  interval: 1s\nhttp:\n  connect_timeout: 500ms\ncircuit:\n  threshold: 1\n  cooldown: 1s\n"
    )
    gateway = subprocess.Popen(inside(GATEWAY, "env", f"FERRY_DATA_DIR={tmp_path / 'data'}", FERRY_BIN, "serve", "--config", str(config),
                                      "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"),
                               stdout=open(tmp_path / "serve.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        port = None
        for _ in range(300):
            found = re.search(r"http://127\.0\.0\.1:(\d+)", (tmp_path / "serve.log").read_text())
            if found:
                port = int(found.group(1))
                break
            time.sleep(0.1)
        assert port, (tmp_path / "serve.log").read_text()
        for _ in range(100):
            if sh(*inside(GATEWAY, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"http://127.0.0.1:{port}/ready"), check=False).stdout == "200":
                break
            time.sleep(0.1)
        first = [ask(port) for _ in range(8)]
        assert all(status == 200 for status, _ in first), first
        assert {backend for _, backend in first} == {"vllm@10.231.1.2:8000", "vllm@10.231.2.2:8000"}, first

        # The first replica's host vanishes: its link goes down, packets to it are dropped (no refusal comes back).
        sh(*inside(REPLICAS[0], "ip", "link", "set", f"{TAG}v1", "down"))
        begun = time.monotonic()
        during = [ask(port) for _ in range(8)]
        elapsed = time.monotonic() - begun
        assert all(status == 200 for status, _ in during), during
        assert {backend for _, backend in during} == {"vllm@10.231.2.2:8000"}, during
        assert elapsed < 10, f"8 requests took {elapsed:.1f} s while a host was gone"
        print(f"host gone: 8 requests answered by the other replica in {elapsed:.2f} s")

        # It comes back: after a health probe it is used again.
        sh(*inside(REPLICAS[0], "ip", "link", "set", f"{TAG}v1", "up"))
        deadline = time.monotonic() + 15
        seen = set()
        while time.monotonic() < deadline and len(seen) < 2:
            status, backend = ask(port)
            assert status == 200
            seen.add(backend)
            time.sleep(0.2)
        assert seen == {"vllm@10.231.1.2:8000", "vllm@10.231.2.2:8000"}, "the returned host is used again"
        print(f"host back: used again {15 - (deadline - time.monotonic()):.2f} s after its link came up")
    finally:
        gateway.terminate()
        assert gateway.wait(timeout=15) == 0
