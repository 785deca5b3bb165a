"""A self-signed broker certificate for the local TLS listener, made with Java's keytool."""

from __future__ import annotations

import shutil
import subprocess

from hub.localkafka.config import KEYSTORE_PASSWORD, BrokerConfig
from hub.localkafka.errors import JavaMissing


def make_keystore(cfg: BrokerConfig) -> None:
    """Write ``tls/broker.p12`` (key and certificate) and ``tls/broker.pem`` (certificate)."""
    keytool = shutil.which("keytool")
    if keytool is None:
        raise JavaMissing(
            "`keytool` (part of the Java runtime) is not on PATH.",
            "apt-get install -y openjdk-17-jre-headless",
        )
    cfg.keystore.parent.mkdir(parents=True, exist_ok=True)
    common = ["-keystore", str(cfg.keystore), "-storepass", KEYSTORE_PASSWORD]
    subprocess.run(
        [
            keytool,
            "-genkeypair",
            "-alias",
            "broker",
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-validity",
            "3650",
            "-dname",
            "CN=localhost, O=Municipal Event Hub (local)",
            "-ext",
            f"SAN=dns:localhost,ip:{cfg.host}",
            "-storetype",
            "PKCS12",
            "-keypass",
            KEYSTORE_PASSWORD,
            *common,
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [keytool, "-exportcert", "-rfc", "-alias", "broker", "-file", str(cfg.ca_pem), *common],
        check=True,
        capture_output=True,
    )
