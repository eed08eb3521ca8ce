"""A throw-away PostgreSQL cluster of our own, to stop and start under a running app.

The shared cluster of tools/postgres.sh (port 55432) is never touched: this one lives in its own
directory on its own port, uses Debian's binaries like tools/postgres.sh, and can be stopped
(``pg_ctl stop -m fast``) and started again on the same data. Usable from a test process and from
the scenario processes it starts (``PgCluster(directory, port)`` finds the running cluster).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from glob import glob
from pathlib import Path


def pg_bin_dir() -> Path | None:
    found = sorted(glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(x) for x in Path(p).parent.name.split(".") if x.isdigit()])
    return Path(found[-1]) if found and Path(found[-1], "initdb").exists() else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgCluster:
    def __init__(self, directory: Path, port: int):
        self.directory = Path(directory)
        self.port = port
        self.bin = pg_bin_dir()

    @property
    def url(self) -> str:
        return f"postgres://marketplace:marketplace@127.0.0.1:{self.port}/marketplace"

    def _run(self, *args: str, timeout: float = 90) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)

    @classmethod
    def create(cls) -> PgCluster:
        directory = Path(tempfile.mkdtemp(prefix="pef-faults-pg-"))
        cluster = cls(directory, free_port())
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
        cluster._run("initdb", "-D", str(directory), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
        cluster.start()
        cluster._run("psql", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1",
                     "-c", "CREATE ROLE marketplace LOGIN SUPERUSER PASSWORD 'marketplace'",
                     "-c", "CREATE DATABASE marketplace OWNER marketplace")
        return cluster

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.directory), "-l", str(self.directory / "server.log"), "-w", "-t", "60",
                  "-o", f"-h 127.0.0.1 -p {self.port} -k {self.directory} -c fsync=off -c full_page_writes=off", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.directory), "-m", mode, "-w", "stop")

    def is_running(self) -> bool:
        try:
            self._run("pg_ctl", "-D", str(self.directory), "status")
        except subprocess.CalledProcessError:
            return False
        return True

    def destroy(self) -> None:
        if self.is_running():
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)
