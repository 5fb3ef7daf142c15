"""Processes the benchmark drivers start: `ferry sim` and `ferry serve`, each printing the URL it listens on."""
import os
import re
import signal
import subprocess
import threading
import time

URL = re.compile(r"http://[^\s)]+")


def start(args, timeout=30):
    """Starts `args` in a session of its own; returns the process and the first URL it prints."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        match = URL.search(line or "")
        if match:
            # Keep draining its output so it never blocks on a full pipe.
            threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
            return process, match.group(0)
        if not line and process.poll() is not None:
            break
    raise RuntimeError(f"{args} printed no URL")


def stop(process):
    """SIGTERM, then SIGKILL to its session after 15 s; its exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    return process.returncode
