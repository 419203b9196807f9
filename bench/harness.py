"""What the bench scripts share: wrk, a gunicorn server on a free port, sign-in."""
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.dirname(sys.executable)
LUA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "latency.lua")


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


def serve(app_spec: str, env: dict, cwd: str, workers: int = 2) -> tuple[subprocess.Popen, str]:
    """Start gunicorn on 127.0.0.1 and wait until it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [os.path.join(VENV_BIN, "gunicorn"), "--no-control-socket", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app_spec], cwd=cwd, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError as exc:
            if getattr(exc, "code", None):  # an HTTP error still means it is up
                break
            time.sleep(0.1)
    return proc, base


def sign_in(base: str, login: str, password: str) -> str:
    """Sign in through the login form; returns the Cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "login": login,
                                   "password": password}).encode()
    opener.open(base + "/login", data=data)
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookies:
        raise SystemExit(f"could not sign in as {login}")
    return cookies


def wrk(url: str, seconds: int, connections: int, cookie: str = "") -> dict:
    """p50/p95/p99 in ms and requests/s of one URL; refuses a run with errors."""
    cmd = [ensure_wrk(), "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "-s", LUA]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    p50, p95, p99, rps, errors = re.search(r"LATENCY (\S+) (\S+) (\S+) (\S+) (\S+)", out).groups()
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx or int(errors):
        raise SystemExit(f"{url}: error responses\n{out}")
    return {"p50": float(p50), "p95": float(p95), "p99": float(p99), "rps": float(rps)}


def table(rows: list[tuple[str, dict]], floor: dict) -> str:
    lines = [f"{'page':46} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7} "
             f"{'p95/floor':>9}"]
    for name, r in rows:
        lines.append(f"{name:46} {r['p50']:8.2f} {r['p95']:8.2f} {r['p99']:8.2f} "
                     f"{r['rps']:7.0f} {r['p95'] / floor['p95']:9.1f}")
    return "\n".join(lines)
