"""Run a PostgreSQL cluster of our own in a folder: ``initdb``, ``pg_ctl start``/``stop``.

Debian's server binaries live in ``/usr/lib/postgresql/<version>/bin``. PostgreSQL refuses
to run as root, so when we are root the cluster belongs to the ``postgres`` system user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

from hub.localkafka.broker import free_port


class PostgresMissing(RuntimeError):
    def __init__(self) -> None:
        super().__init__(
            "PostgreSQL's server programs (initdb, pg_ctl) are not installed.\n"
            "  fix: apt-get install -y postgresql"
        )


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresMissing()


class LocalPostgres:
    """One cluster under ``folder``, listening on ``127.0.0.1:port`` only."""

    def __init__(
        self,
        folder: Path,
        port: int | None = None,
        password: str = "hub",  # noqa: S107
    ) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.password = password
        self.user = "hub"
        self.bindir = _bindir()
        self._run_as = "postgres" if os.geteuid() == 0 else None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "postgres.log"

    def url(self, database: str = "hub", driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def _cmd(self, *args: str) -> list[str]:
        if self._run_as:
            return ["runuser", "-u", self._run_as, "--", *args]
        return list(args)

    def _own(self, path: Path) -> None:
        if self._run_as:
            entry = pwd.getpwnam(self._run_as)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _reachable(self) -> None:
        """Let the ``postgres`` user traverse to our folder (temp folders are 0700)."""
        if not self._run_as:
            return
        for parent in self.folder.resolve().parents:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o001)

    def start(self, timeout: float = 60.0) -> LocalPostgres:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._own(self.folder)
        self._reachable()
        if not (self.data / "PG_VERSION").exists():
            pwfile = self.folder / "pwfile"
            pwfile.write_text(self.password + "\n")
            self._own(pwfile)
            proc = subprocess.run(
                self._cmd(
                    str(self.bindir / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    self.user,
                    "--pwfile",
                    str(pwfile),
                    "-A",
                    "scram-sha-256",
                    "-E",
                    "UTF8",
                    "--locale",
                    "C.UTF-8",
                ),
                check=False,
                capture_output=True,
                text=True,
            )
            if proc.returncode != 0:
                raise RuntimeError(f"initdb failed: {(proc.stdout + proc.stderr).strip()}")
            pwfile.unlink()
        if self.log.exists():
            self._own(self.log)
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories="
        options += f"{self.folder} -c fsync=off -c max_connections=50"
        proc = subprocess.run(
            self._cmd(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-o",
                options,
                "-w",
                "-t",
                str(int(timeout)),
                "start",
            ),
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start ({proc.stderr.strip()}):\n{tail}")
        self._create_database("hub")
        return self

    def _create_database(self, name: str) -> None:
        deadline = time.monotonic() + 10
        while True:
            proc = subprocess.run(
                self._cmd(
                    str(self.bindir / "createdb"),
                    "-h",
                    str(self.folder),
                    "-p",
                    str(self.port),
                    "-U",
                    self.user,
                    name,
                ),
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, "PGPASSWORD": self.password},
            )
            if proc.returncode == 0 or "already exists" in proc.stderr:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"createdb {name} failed: {proc.stderr.strip()}")
            time.sleep(0.2)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``immediate`` simulates a crash); data stays for ``start``."""
        subprocess.run(
            self._cmd(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"),
            capture_output=True,
            check=False,
        )

    def running(self) -> bool:
        proc = subprocess.run(
            self._cmd(str(self.bindir / "pg_ctl"), "-D", str(self.data), "status"),
            capture_output=True,
            check=False,
        )
        return proc.returncode == 0
