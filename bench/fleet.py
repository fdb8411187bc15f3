"""The production recipe (deploy/) started on loopback: nginx in front of app instances (gunicorn with
deploy/gunicorn.conf.py) and a queue worker, on one PostgreSQL database and one Redis. tests/fleet uses it to kill
processes during a load; `python -m bench.fleet` measures viewers through it beside one instance alone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = check()
        except (requests.RequestException, OSError):
            found = None
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def descendants(pid: int) -> list[int]:
    """The processes started by `pid`, and by them, from /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Fleet:
    """The processes, started and stopped by the fixture."""

    def __init__(self, tmp_path: Path, database_url: str, redis_url: str):
        self.tmp = tmp_path
        self.env = dict(
            os.environ,
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            SECRET_KEY="fleet-" + "k" * 40,
            PROXY_HOPS="1",
            LOAD_DEMO="false",
            RATE_LIMIT="100000 per minute",  # every viewer comes from this machine's address
            WEB_CONCURRENCY="2",
            THREADS="4",
            PYTHONPATH=str(ROOT),
        )
        self.env.pop("DEBUG", None)
        self.apps: dict[str, tuple[int, subprocess.Popen]] = {}
        self.worker: subprocess.Popen | None = None
        self.nginx: subprocess.Popen | None = None
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"

    def _start(self, args: list[str], name: str, **env) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("ab")
        return subprocess.Popen(args, cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=log, start_new_session=True)

    def start_app(self, name: str, port: int | None = None) -> None:
        port = port or free_port()
        gunicorn = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "app:server"]
        self.apps[name] = (port, self._start(gunicorn, f"app-{name}", BIND=f"127.0.0.1:{port}"))
        wait_for(lambda: self.health(f"http://127.0.0.1:{port}"), f"app {name} ready", 90)

    @staticmethod
    def health(base: str) -> bool:
        return requests.get(base + "/api/v1/health", timeout=5).status_code == 200

    def start_worker(self) -> None:
        self.worker = self._start([sys.executable, "-m", "dashboard", "worker"], "worker")

    def kill(self, process: subprocess.Popen) -> None:
        """As a crash or a power cut would: the process and all it started (RQ's work horse is in a process group of
        its own), at once, with no time to finish."""
        for pid in [*descendants(process.pid), process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def start_nginx(self) -> None:
        site = (ROOT / "deploy" / "nginx.conf").read_text()
        upstreams = "".join(
            f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n" for port, _ in self.apps.values()
        )
        site = re.sub(r"(?m)^    server 10\.0\.0\.\d+:8050 .*\n", "", site)
        site = site.replace("    keepalive 32;", upstreams + "    keepalive 32;")
        site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{self.port};")
        site = re.sub(r"(?m)^    (http2 on|ssl_certificate|ssl_certificate_key).*\n", "", site)
        site = site[: site.rindex("server {")]  # (the plain-HTTP redirect)
        temp = self.tmp / "nginx"
        temp.mkdir()
        site = site.replace("/var/cache/nginx/mmc", str(temp / "cache"))
        (temp / "mmc.conf").write_text(site)
        main = f"""
user root;
daemon off;
worker_processes 2;
pid {temp}/nginx.pid;
error_log {temp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {temp}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {temp}/mmc.conf;
}}
"""
        (temp / "nginx.conf").write_text(main)
        self.nginx = self._start([NGINX, "-c", str(temp / "nginx.conf"), "-p", str(temp)], "nginx")
        wait_for(lambda: self.health(self.base), "nginx", 30)

    def stop(self) -> None:
        for process in [self.nginx, self.worker, *(p for _, p in self.apps.values())]:
            if process is not None and process.poll() is None:
                self.kill(process)


def main(argv: list[str] | None = None) -> int:
    """Viewers changing filters on `/` (as the benchmark's load run) through nginx in front of two instances, then
    against one instance alone, on the PostgreSQL dataset of --size; prints both as a table for bench/RESULTS.md.
    With --crowd: people arriving at `/` (the benchmark's visit_run) at one host (gunicorn 2 workers x 4 threads),
    with nginx and its cache in front, then without."""
    import argparse
    import tempfile

    from bench.__main__ import ensure_dataset, load_run, log, visit_run
    from dashboard.data import queries, schema

    p = argparse.ArgumentParser(prog="python -m bench.fleet", description=main.__doc__.splitlines()[0])
    p.add_argument("--size", default="small", help="dataset: small, 1M or 10M (default small)")
    p.add_argument("--users", type=int, default=150, help="concurrent viewers (default 150)")
    p.add_argument("--seconds", type=float, default=60, help="length of each run (default 60)")
    p.add_argument("--crowd", action="store_true", help="people arriving at / on one host, with and without nginx")
    p.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"))
    args = p.parse_args(argv)
    url, records = ensure_dataset("postgresql", args.size)
    status = queries.data_status(schema.make_engine(url))
    span = (status.first_date, status.last_date)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        fleet = Fleet(Path(folder), url, args.redis)
        try:
            fleet.start_app("a")
            if not args.crowd:
                fleet.start_app("b")
            fleet.start_nginx()
            single = f"http://127.0.0.1:{fleet.apps['a'][0]}"
            if args.crowd:
                log(f"crowd: {args.users} people through nginx and its cache, one host")
                rows.append(
                    (
                        "nginx (its cache) in front of 1 host, 2 workers x 4 threads",
                        visit_run(fleet.base, args.users, args.seconds, *span),
                    )
                )
                log(f"crowd: {args.users} people, the host alone")
                rows.append(("1 host alone, 2 workers x 4 threads", visit_run(single, args.users, args.seconds, *span)))
            else:
                log(f"fleet: {args.users} viewers through nginx, two instances of two workers")
                rows.append(("nginx, 2 instances x 2 workers", load_run(fleet.base, args.users, args.seconds, *span)))
                log(f"one instance: {args.users} viewers, no proxy")
                rows.append(("1 instance x 2 workers", load_run(single, args.users, args.seconds, *span)))
        finally:
            fleet.stop()
    print(
        f"\n{args.users} {'people' if args.crowd else 'viewers'}, {args.seconds:.0f} s each, PostgreSQL, "
        f"{records:,} records, {os.cpu_count()} cores\n"
    )
    if args.crowd:
        columns = ["set-up", "visits", "visit p50", "visit p95", "requests/s", "request p95", "errors"]
        print("| " + " | ".join([*columns, "reached Python (of those, kept answers)"]) + " |")
        print("|---|---|---|---|---|---|---|---|")
        for name, run in rows:
            print(
                f"| {name} | {run['visits']} | {run['visit_p50']:.0f} ms | {run['visit_p95']:.0f} ms "
                f"| {run['throughput']:.1f} | {run['p95']:.0f} ms | {run['errors']} {run['error_kinds'] or ''} "
                f"| {run['reached_python']:.0%} ({run['kept']:.0%}) |"
            )
        return 0
    print("| set-up | requests | per second | p50 | p95 | errors |")
    print("|---|---|---|---|---|---|")
    for name, run in rows:
        print(
            f"| {name} | {run['requests']} | {run['throughput']:.1f} | {run['p50']:.0f} ms | {run['p95']:.0f} ms "
            f"| {run['errors']} {run['error_kinds'] or ''} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
