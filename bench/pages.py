"""Latency of the desk's public pages against the floor (a bare Flask page doing
one indexed SQLite query), both under gunicorn with 2 workers, driven by wrk.

    .venv/bin/python bench/pages.py [--seconds 5] [--connections 4]

Runs on a fresh SQLite database with the demo data, in a temporary instance
folder; sends traffic to 127.0.0.1 only and stops by itself.
"""
import argparse
import os
import shutil
import subprocess
import tempfile

from harness import ROOT, VENV_BIN, serve, table, wrk

PAGES = ["/healthz", "/", "/services", "/services?kind=testing&q=GB", "/services/TX-001",
         "/labs", "/labs/JMI", "/login"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="qidesk-bench-")
    env = {**os.environ, "QIDESK_INSTANCE_PATH": instance, "FLASK_APP": "app",
           "QIDESK_PUBLIC_URL": "http://127.0.0.1"}
    env.pop("DATABASE_URL", None)
    subprocess.run([os.path.join(VENV_BIN, "flask"), "setup", "--demo"], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs = []
    try:
        floor_proc, floor_base = serve("floor_app:create_app()", env, os.path.dirname(__file__))
        desk_proc, desk_base = serve("app:create_app()", env, ROOT)
        procs = [floor_proc, desk_proc]
        floor = wrk(floor_base + "/item", args.seconds, args.connections)
        rows = [("floor: bare page, 1 indexed query", floor)]
        rows += [(p, wrk(desk_base + p, args.seconds, args.connections)) for p in PAGES]
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(instance, ignore_errors=True)
    print(table(rows, floor))


if __name__ == "__main__":
    main()
