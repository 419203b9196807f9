"""Latency of the desk's main pages against the floor (a bare Flask page doing
one indexed SQLite query), both under gunicorn with 2 workers, driven by wrk.

    .venv/bin/python bench/pages.py [--seconds 5] [--connections 4]

Prints p50 and p99 in milliseconds per page and each page's p50 as a multiple of
the floor's. Runs on a fresh SQLite database with the demo data, in a temporary
instance folder; sends traffic to 127.0.0.1 only and stops by itself.
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.dirname(sys.executable)
PAGES = ["/healthz", "/", "/services", "/services?kind=testing&q=GB", "/services/TX-001",
         "/labs", "/labs/JMI", "/login"]


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "wrk"], check=True,
                   stdout=subprocess.DEVNULL)
    return shutil.which("wrk")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app_spec: str, env: dict, cwd: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [os.path.join(VENV_BIN, "gunicorn"), "--no-control-socket", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app_spec],
        cwd=cwd, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError as exc:
            if getattr(exc, "code", None):  # an HTTP error still means it is up
                break
            time.sleep(0.1)
    return proc, base


def measure(wrk: str, url: str, seconds: int, connections: int) -> tuple[float, float, float]:
    out = subprocess.run([wrk, "-t", "2", "-c", str(connections), "-d", f"{seconds}s",
                          "--latency", url], capture_output=True, text=True, check=True).stdout
    def ms(pct):
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} error responses")
    return ms(50), ms(99), rps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    wrk = ensure_wrk()
    instance = tempfile.mkdtemp(prefix="qidesk-bench-")
    env = {**os.environ, "QIDESK_INSTANCE_PATH": instance, "FLASK_APP": "app",
           "FLOOR_DB": os.path.join(instance, "floor.db")}
    env.pop("DATABASE_URL", None)
    subprocess.run([os.path.join(VENV_BIN, "flask"), "setup", "--demo"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs = []
    try:
        floor, floor_base = serve("floor_app:create_app()", env, os.path.join(ROOT, "bench"))
        procs.append(floor)
        desk, desk_base = serve("app:create_app()", env, ROOT)
        procs.append(desk)
        rows = [("floor: bare page, 1 indexed query", *measure(
            wrk, floor_base + "/item", args.seconds, args.connections))]
        for page in PAGES:
            rows.append((page, *measure(wrk, desk_base + page, args.seconds, args.connections)))
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(instance, ignore_errors=True)
    floor_p50 = rows[0][1]
    print(f"{'page':40} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'p50/floor':>10}")
    for name, p50, p99, rps in rows:
        print(f"{name:40} {p50:8.2f} {p99:8.2f} {rps:8.0f} {p50 / floor_p50:10.1f}")


if __name__ == "__main__":
    main()
