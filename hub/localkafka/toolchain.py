"""Java and Maven: checking them and fetching the official Kafka jars into a cache."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

from hub.localkafka.errors import JarFetchFailed, JavaMissing, MavenMissing

MIN_JAVA = 17
_JAVA_INSTALL = "apt-get install -y openjdk-17-jre-headless  (or any Java >= 17 on PATH)"
_MAVEN_INSTALL = "apt-get install -y maven"
_VERSION_RE = re.compile(r'version "(\d+)(?:\.(\d+))?')


def java_major(output: str) -> int | None:
    """The major version in ``java -version`` output (``1.8`` counts as 8)."""
    match = _VERSION_RE.search(output)
    if match is None:
        return None
    major = int(match.group(1))
    if major == 1 and match.group(2):
        return int(match.group(2))
    return major


def check_java() -> str:
    """Path of a Java >= 17, or :class:`JavaMissing` naming the install command."""
    java = shutil.which("java")
    if java is None:
        raise JavaMissing("Java is not installed (no `java` on PATH).", _JAVA_INSTALL)
    proc = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    major = java_major(proc.stderr + proc.stdout)
    if major is None or major < MIN_JAVA:
        raise JavaMissing(
            f"Kafka 4 needs Java {MIN_JAVA} or newer; `{java} -version` says "
            f"{(proc.stderr or proc.stdout).strip().splitlines()[0:1]}.",
            _JAVA_INSTALL,
        )
    return java


def check_maven() -> str:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise MavenMissing("Maven is not installed (no `mvn` on PATH).", _MAVEN_INSTALL)
    return mvn


def jar_dir(cache: Path, pom: Path) -> Path:
    """The cache folder for this pom's jars: keyed by the pom's content."""
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()[:12]
    return cache / f"kafka-jars-{digest}"


def ensure_jars(cache: Path, pom: Path) -> Path:
    """Fetch the jars named in ``pom`` once; later calls return the cached folder."""
    target = jar_dir(cache, pom)
    stamp = target / ".complete"
    if stamp.exists():
        return target
    if not pom.is_file():
        raise JarFetchFailed(
            f"The broker's Maven file {pom} is missing.",
            "run from a checkout of the hub, or pass --pom PATH",
        )
    mvn = check_maven()
    check_java()
    target.mkdir(parents=True, exist_ok=True)
    cmd = [
        mvn,
        "-q",
        "-B",
        "-f",
        str(pom),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={target}",
        "-DincludeScope=runtime",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise JarFetchFailed(
            f"Maven could not fetch the Kafka jars (exit {proc.returncode}):\n{tail}",
            "check that Maven Central is reachable (proxy settings in ~/.m2/settings.xml), "
            f"then retry; the command was: {' '.join(cmd)}",
        )
    if not any(target.glob("kafka_2.13-*.jar")):
        raise JarFetchFailed(
            f"Maven finished but no kafka_2.13 jar is in {target}.",
            f"check {pom} names org.apache.kafka:kafka_2.13",
        )
    stamp.write_text("ok\n")
    return target
