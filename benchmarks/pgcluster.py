"""A throwaway PostgreSQL cluster on a free loopback port, as .ci/run starts one.

    with throwaway_cluster() as cluster:
        url = cluster.create_database("bench")   # postgres://bantar@127.0.0.1:PORT/bench

initdb runs as the postgres user (runuser) when we are root, with trust
authentication, listening on 127.0.0.1 only and a socket directory inside the
cluster's own temporary directory. The cluster is stopped (immediate mode) and
its directory deleted when the block ends, also on an error or Ctrl+C; SIGTERM
is turned into an exception for the duration, so that the clean-up runs then too.

fsync and full_page_writes are off, as in CI: the figures are about the
portal, not about this machine's disk. `durable=True` keeps PostgreSQL's defaults.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

USER = "bantar"


def pg_bin() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not candidates:
        raise RuntimeError("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin")
    return candidates[-1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class Cluster:
    directory: Path
    port: int
    bin: Path

    def url(self, database: str) -> str:
        return f"postgres://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        subprocess.run(
            _as_postgres(
                [
                    str(self.bin / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "-U",
                    USER,
                    name,
                ]
            ),
            check=True,
            timeout=60,
        )
        return self.url(name)

    def version(self) -> str:
        out = subprocess.run(
            [str(self.bin / "postgres"), "--version"], capture_output=True, text=True, check=False
        )
        parts = out.stdout.split()
        return parts[2] if len(parts) > 2 else "?"


def _raise_on_term(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def throwaway_cluster(*, durable: bool = False) -> Iterator[Cluster]:
    binaries = pg_bin()
    directory = Path(tempfile.mkdtemp(prefix="bantar-bench-pg."))
    port = free_port()
    previous = signal.signal(signal.SIGTERM, _raise_on_term)
    started = False
    try:
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
        subprocess.run(
            _as_postgres(
                [
                    str(binaries / "initdb"),
                    "-D",
                    str(directory / "data"),
                    "-U",
                    USER,
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1"
        if not durable:
            options += " -c fsync=off -c full_page_writes=off"
        started = True  # from here on, always try to stop it
        subprocess.run(
            _as_postgres(
                [
                    str(binaries / "pg_ctl"),
                    "-D",
                    str(directory / "data"),
                    "-l",
                    str(directory / "log"),
                    "-w",
                    "-o",
                    options,
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        yield Cluster(directory=directory, port=port, bin=binaries)
    finally:
        try:
            if started:
                subprocess.run(
                    _as_postgres(
                        [
                            str(binaries / "pg_ctl"),
                            "-D",
                            str(directory / "data"),
                            "-m",
                            "immediate",
                            "stop",
                        ]
                    ),
                    capture_output=True,
                    timeout=60,
                    check=False,
                )
        finally:
            shutil.rmtree(directory, ignore_errors=True)
            signal.signal(signal.SIGTERM, previous)
