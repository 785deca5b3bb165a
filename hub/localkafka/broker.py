"""Start, inspect and stop the local broker process."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from hub.localkafka import config as cfgmod
from hub.localkafka.config import BrokerConfig
from hub.localkafka.errors import BrokerStartFailed, PortInUse
from hub.localkafka.probe import broker_answers
from hub.localkafka.toolchain import check_java, ensure_jars

STATE_FILE = "broker.json"
# The JVM options Kafka's own start scripts give a broker (kafka-run-class.sh's
# KAFKA_JVM_PERFORMANCE_OPTS; kafka-server-start.sh also fixes the heap, -Xms = -Xmx). G1's
# own pause target is 200 ms; a broker aims at 20 ms, so that a collection holds produce,
# fetch and transaction requests up for less, and its latency tail stays short.
BROKER_JVM_OPTIONS = (
    "-server",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:MaxInlineLevel=15",
    "-Djava.awt.headless=true",
)


@dataclass(frozen=True)
class BrokerStatus:
    running: bool
    pid: int | None
    bootstrap: str | None
    detail: str
    sasl_bootstrap: str | None = None
    tls_bootstrap: str | None = None
    log_file: Path | None = None


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
    return port


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited child not yet reaped) is not alive for our purposes.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def _tail(path: Path, lines: int = 25) -> str:
    if not path.exists():
        return f"(no log at {path})"
    text = path.read_text(errors="replace").splitlines()
    return "\n".join(text[-lines:])


class LocalBroker:
    """One broker under ``cfg.home``; its pid and ports are kept in ``broker.json`` there."""

    def __init__(self, cfg: BrokerConfig, *, cache: Path, pom: Path) -> None:
        self.cfg = cfg
        self.cache = cache
        self.pom = pom

    # -- state -------------------------------------------------------------------------
    @property
    def state_file(self) -> Path:
        return self.cfg.home / STATE_FILE

    def _read_state(self) -> dict[str, object] | None:
        try:
            data = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _write_state(self, pid: int) -> None:
        state = {
            "pid": pid,
            "bootstrap": self.cfg.bootstrap,
            "sasl_bootstrap": self.cfg.sasl_bootstrap,
            "tls_bootstrap": self.cfg.tls_bootstrap,
            "log_file": str(self.cfg.log_file),
        }
        self.state_file.write_text(json.dumps(state, indent=2) + "\n")

    # -- queries -----------------------------------------------------------------------
    def status(self, timeout: float = 5.0) -> BrokerStatus:
        state = self._read_state()
        if state is None:
            return BrokerStatus(False, None, None, f"not started (no {self.state_file})")
        pid = state.get("pid")
        bootstrap = str(state.get("bootstrap"))

        def report(running: bool, alive_pid: int | None, detail: str) -> BrokerStatus:
            sasl, tls = state.get("sasl_bootstrap"), state.get("tls_bootstrap")
            return BrokerStatus(
                running,
                alive_pid,
                bootstrap,
                detail,
                sasl_bootstrap=str(sasl) if sasl else None,
                tls_bootstrap=str(tls) if tls else None,
                log_file=Path(str(state.get("log_file"))),
            )

        if not isinstance(pid, int) or not pid_alive(pid):
            return report(False, None, f"down (process {pid} is gone)")
        if not broker_answers(bootstrap, timeout=timeout):
            return report(False, pid, f"process {pid} runs but does not answer")
        return report(True, pid, f"up (pid {pid})")

    # -- actions -----------------------------------------------------------------------
    def up(self, timeout: float = 90.0) -> BrokerStatus:
        """Start the broker unless it already runs; return once it answers metadata."""
        current = self.status()
        if current.running:
            return current
        if current.pid is not None:  # a stuck process of ours: stop it before starting anew
            self.down()
        for port in self.cfg.ports:
            if not port_free(self.cfg.host, port):
                raise PortInUse(
                    f"Port {port} on {self.cfg.host} is already in use.",
                    f"stop what listens there (`ss -ltnp 'sport = :{port}'`), "
                    "or choose other ports with --port / --controller-port",
                )
        java = check_java()
        jars = ensure_jars(self.cache, self.pom)
        self._write_files()
        if not (self.cfg.data_dir / "meta.properties").exists():
            self._format(java, jars)
        proc = self._spawn(java, jars)
        self._write_state(proc.pid)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise BrokerStartFailed(
                    f"The broker exited with code {proc.returncode} while starting.\n"
                    f"Last lines of {self.cfg.log_file}:\n{_tail(self.cfg.log_file)}\n"
                    f"Last lines of {self.cfg.stdout_file}:\n{_tail(self.cfg.stdout_file, 10)}",
                    f"read {self.cfg.log_file}; `hub kafka down --purge` resets the data",
                )
            if broker_answers(self.cfg.bootstrap, timeout=2.0):
                return self.status()
            time.sleep(0.3)
        self.down()
        raise BrokerStartFailed(
            f"The broker did not answer metadata requests within {timeout:.0f}s.\n"
            f"Last lines of {self.cfg.log_file}:\n{_tail(self.cfg.log_file)}",
            f"read {self.cfg.log_file}",
        )

    def down(self, timeout: float = 30.0) -> bool:
        """Stop the broker cleanly (SIGTERM, then SIGKILL after ``timeout``)."""
        state = self._read_state()
        pid = state.get("pid") if state else None
        stopped = False
        if isinstance(pid, int) and pid_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            if pid_alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            stopped = True
        with contextlib.suppress(FileNotFoundError):
            self.state_file.unlink()
        return stopped

    # -- helpers -----------------------------------------------------------------------
    def _write_files(self) -> None:
        self.cfg.home.mkdir(parents=True, exist_ok=True)
        self.cfg.log_file.parent.mkdir(parents=True, exist_ok=True)
        self.cfg.properties_file.write_text(cfgmod.server_properties(self.cfg))
        self.cfg.log4j_file.write_text(cfgmod.log4j2_properties(self.cfg))
        if self.cfg.tls_port is not None and not self.cfg.keystore.exists():
            from hub.localkafka.tls import make_keystore

            make_keystore(self.cfg)

    def _java(self, java: str, jars: Path, *args: str, heap: str = "256m") -> list[str]:
        return [
            java,
            f"-Xmx{heap}",
            "-cp",
            f"{jars}/*",
            f"-Dlog4j2.configurationFile={self.cfg.log4j_file}",
            *args,
        ]

    def _format(self, java: str, jars: Path) -> None:
        tool = "kafka.tools.StorageTool"
        uuid = (
            subprocess.run(
                self._java(java, jars, tool, "random-uuid"),
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        cmd = self._java(
            java,
            jars,
            tool,
            "format",
            "--standalone",
            "-t",
            uuid,
            "-c",
            str(self.cfg.properties_file),
        )
        for user in self.cfg.users:
            secret = user.password.get_secret_value()
            cmd += ["--add-scram", f"SCRAM-SHA-512=[name={user.name},password={secret}]"]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise BrokerStartFailed(
                f"Kafka's storage tool failed (exit {proc.returncode}):\n"
                f"{(proc.stdout + proc.stderr).strip()[-2000:]}",
                f"remove {self.cfg.data_dir} (`hub kafka down --purge`) and retry",
            )

    def _spawn(self, java: str, jars: Path) -> subprocess.Popen[bytes]:
        out = self.cfg.stdout_file.open("ab")
        try:
            return subprocess.Popen(
                self._java(
                    java,
                    jars,
                    f"-Xms{self.cfg.heap}",
                    *BROKER_JVM_OPTIONS,
                    "kafka.Kafka",
                    str(self.cfg.properties_file),
                    heap=self.cfg.heap,
                ),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            out.close()
