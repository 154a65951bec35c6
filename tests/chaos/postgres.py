"""A throwaway PostgreSQL cluster of the test's own, on a spare port, that a test may restart.

The shared server on 5432 is never touched: other runs use it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from libs.events.broker import free_port


def _bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not versions:
        raise RuntimeError(f"{name} not found: install PostgreSQL (make provision)")
    return str(versions[-1])


class ThrowawayCluster:
    """initdb in a temporary directory, owned by `postgres` when run as root."""

    def __init__(self, *, max_connections: int = 200) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="ow-chaos-pg-"))
        self.data = self.dir / "data"
        self.max_connections = max_connections
        self.root = os.geteuid() == 0

    def url(self, database: str = "postgres") -> str:
        """A `postgresql://` URL of one database of this cluster."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        command = [*args]
        if self.root:  # initdb and pg_ctl refuse to run as root
            command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(args)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def create(self) -> None:
        """Create the cluster's files (trust authentication, no fsync: a test's data)."""
        if self.root:
            shutil.chown(self.dir, "postgres")
        self._run(
            _bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
            f" -c synchronous_commit=off -c full_page_writes=off"
            f" -c max_connections={self.max_connections}"
        )
        log = self.dir / "server.log"
        self._run(
            _bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(log),
            "-o",
            f"'{options}'",
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`immediate` is a crash: no shutdown checkpoint)."""
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        """Stop the server if it runs and remove its files."""
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # it was not running
        shutil.rmtree(self.dir, ignore_errors=True)
