"""deploy/: every file parses, and each kind is checked by the tool that knows it.

* systemd units: ``systemd-analyze verify`` (on a copy whose ExecStart names this
  checkout's ``hub``, since /opt/hub does not exist here) and its offline security score;
* Kubernetes manifests: the Kubernetes API's own JSON schemas, strict (unknown fields are
  errors), as shipped offline by the ``kubernetes-validate`` package;
* compose.yaml: the Compose specification's JSON schema, as vendored by the
  ``check-jsonschema`` package (``builtin_schemas/vendor/compose-spec.json``);
* the Dockerfile: what can be checked without a Docker engine (its instructions, the
  files it copies, and that they build the package's wheel with the ``hub`` command);
* deploy/hub.example.yaml: ``hub validate``, with the secrets the env examples list.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from importlib import resources
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from kubernetes_validate import utils as kubernetes

from hub.config import load_config
from hub.sdk.registry import Registry
from tests.deploy.tools import DEPLOY, ROOT, explain, run, tool

KUBERNETES = DEPLOY / "kubernetes"
DOCKER = DEPLOY / "docker"
SYSTEMD = DEPLOY / "systemd"
EXAMPLE = DEPLOY / "hub.example.yaml"
OURS = ("docker", "grafana", "kubernetes", "prometheus", "systemd")  # not kafka/ nor local/
KUBERNETES_VERSIONS = ("1.29.0", kubernetes.latest_version())


def our_files(*suffixes: str) -> list[Path]:
    files = [EXAMPLE]
    for folder in OURS:
        files += [p for p in (DEPLOY / folder).rglob("*") if p.is_file()]
    return sorted(p for p in files if p.name.endswith(suffixes))


def manifests() -> list[tuple[Path, dict[str, Any]]]:
    """The Kubernetes resources (kustomization.yaml is kubectl's, not the API's)."""
    found = []
    for path in sorted(KUBERNETES.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            found += [(path, doc) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


def example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    return data


def names_in_example() -> set[str]:
    config = example()
    return {c["name"] for c in config["connectors"]} | {r["name"] for r in config["routes"]}


def env_secrets_in_example() -> set[str]:
    """Variables hub.example.yaml reads secrets from ({env: NAME})."""
    return set(re.findall(r"\{env: ([A-Z0-9_]+)\}", EXAMPLE.read_text()))


def env_secrets_of(parts: list[str]) -> set[str]:
    """Variables the named connectors and routes of hub.example.yaml read secrets from."""
    config = example()
    chosen = [p for p in [*config["connectors"], *config["routes"]] if p["name"] in parts]
    return set(re.findall(r"'env': '([A-Z0-9_]+)'", repr(chosen)))


def env_file(path: Path) -> dict[str, str]:
    pairs = [line.split("=", 1) for line in path.read_text().splitlines() if "=" in line]
    return {key: value for key, value in pairs if not key.startswith("#")}


def only_names(args: list[str]) -> list[str]:
    return [args[i + 1] for i, arg in enumerate(args) if arg == "--only"]


# -- everything parses -----------------------------------------------------------------------


def test_every_yaml_and_json_file_parses() -> None:
    checked = 0
    for path in our_files(".yml", ".yaml"):
        assert list(yaml.safe_load_all(path.read_text())), path
        checked += 1
    for path in our_files(".json"):
        json.loads(path.read_text())
        checked += 1
    assert checked >= 20


# -- systemd ---------------------------------------------------------------------------------


def _units_for_here(tmp_path: Path) -> Path:
    """Copies of the units whose ExecStart is this checkout's ``hub`` (same arguments)."""
    unit = (SYSTEMD / "hub@.service").read_text()
    exec_start = "ExecStart=/opt/hub/venv/bin/hub run /etc/hub/hub.yaml --only %i"
    assert unit.count(exec_start) == 1, "hub@.service must run `hub run ... --only %i`"
    here = Path(sys.executable).parent / "hub"
    assert os.access(here, os.X_OK), f"{here}: install the package (make test does)"
    (tmp_path / "hub@.service").write_text(unit.replace("/opt/hub/venv/bin/hub", str(here)))
    shutil.copy(SYSTEMD / "hub.target", tmp_path / "hub.target")
    return tmp_path


def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    units = _units_for_here(tmp_path)
    analyze = tool("systemd-analyze")
    for name in ("hub@.service", "hub.target"):
        result = run(analyze, "verify", units / name, cwd=units)
        assert result.returncode == 0, explain(result)
        assert result.stderr.strip() == "", explain(result)  # warnings too


def test_the_unit_is_hardened_restarts_and_reads_secrets_from_a_file(tmp_path: Path) -> None:
    units = _units_for_here(tmp_path)
    # Exposure 2.0 or lower on systemd's 0 (locked down) to 10 (unprotected) scale.
    result = run(
        tool("systemd-analyze"),
        "security",
        "--offline=true",
        "--threshold=20",
        "--no-pager",
        units / "hub@.service",
        cwd=units,
    )
    assert result.returncode == 0, explain(result)
    unit = (SYSTEMD / "hub@.service").read_text()
    for line in (
        "User=hub",
        "EnvironmentFile=/etc/hub/hub.env",
        "Restart=on-failure",
        "RestartPreventExitStatus=3",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "KillSignal=SIGTERM",
    ):
        assert re.search(rf"^{re.escape(line)}$", unit, re.M), line
    assert set(env_file(SYSTEMD / "hub.env.example")) >= env_secrets_in_example()


# -- Kubernetes ------------------------------------------------------------------------------


@pytest.mark.parametrize("kube_version", KUBERNETES_VERSIONS)
def test_the_kubernetes_manifests_match_the_kubernetes_schemas(kube_version: str) -> None:
    kinds = []
    for path, doc in manifests():
        try:
            kubernetes.validate(doc, kube_version, strict=True)
        except kubernetes.ValidationError as exc:
            pytest.fail(f"{path.name}: {doc['kind']} {doc['metadata']['name']}: {exc}")
        kinds.append(doc["kind"])
    assert {"Namespace", "ConfigMap", "Deployment", "Service"} <= set(kinds)
    assert "Secret" not in kinds, "secrets are referenced, never committed"


def test_the_schemas_refuse_an_unknown_field() -> None:
    [deployment] = [
        d
        for _, d in manifests()
        if (d["kind"], d["metadata"]["name"]) == ("Deployment", "hub-routes")
    ]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["securityContext"]["readOnlyRootFileSystem"] = True  # misspelt
    with pytest.raises(kubernetes.ValidationError):
        kubernetes.validate(deployment, KUBERNETES_VERSIONS[-1], strict=True)


def test_the_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())
    files = {p.name for p in KUBERNETES.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files


def test_the_config_map_carries_the_example_hub_yaml() -> None:
    [config] = [d for _, d in manifests() if d["metadata"]["name"] == "hub-config"]
    assert config["data"]["hub.yaml"] == EXAMPLE.read_text()


def test_each_deployment_runs_like_operations_expect() -> None:
    deployments = [d for _, d in manifests() if d["kind"] == "Deployment"]
    assert len(deployments) >= 3
    run_names: list[str] = []
    for deployment in deployments:
        name = deployment["metadata"]["name"]
        pod = deployment["spec"]["template"]
        spec = pod["spec"]
        [container] = spec["containers"]
        args = container["args"]
        assert args[:2] == ["run", "/etc/hub/hub.yaml"], name
        run_names += only_names(args)
        assert only_names(args), f"{name}: runs everything; name its parts with --only"
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        notes = pod["metadata"]["annotations"]
        assert notes["prometheus.io/scrape"] == "true", name
        assert int(notes["prometheus.io/port"]) == ports["metrics"] == 9400, name
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
        assert container["resources"]["requests"]["memory"], name
        assert container["resources"]["limits"]["memory"], name
        security = container["securityContext"]
        assert security["readOnlyRootFilesystem"] is True, name
        assert security["allowPrivilegeEscalation"] is False, name
        assert security["capabilities"]["drop"] == ["ALL"], name
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["runAsUser"] != 0, name
        provided = {e["name"] for e in container["env"] if "secretKeyRef" in e.get("valueFrom", {})}
        parts = only_names(args)
        assert provided == env_secrets_of(parts) | {"HUB_KAFKA_SASL_PASSWORD"}, name
        # What `hub run --only` loads, with just these secrets set, and nothing else.
        examples = env_file(SYSTEMD / "hub.env.example")
        env = {secret: examples[secret] for secret in provided}
        load_config(EXAMPLE, Registry.discover(), env, only=parts)
        if "payments" in only_names(args):  # positioned: never two at once
            assert deployment["spec"]["replicas"] == 1
            assert deployment["spec"]["strategy"]["type"] == "Recreate"
    assert sorted(run_names) == sorted(names_in_example()), "each part runs in one Deployment"


def test_the_webhook_service_reaches_the_webhook_pods() -> None:
    [service] = [d for _, d in manifests() if d["kind"] == "Service"]
    [deployment] = [
        d
        for _, d in manifests()
        if d["kind"] == "Deployment"
        and service["spec"]["selector"].items()
        <= d["spec"]["template"]["metadata"]["labels"].items()
    ]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    [webhook] = [c for c in example()["connectors"] if c["type"] == "webhook"]
    assert ports[service["spec"]["ports"][0]["targetPort"]] == webhook["config"]["port"]
    assert only_names(container["args"]) == [webhook["name"]]


# -- Docker ----------------------------------------------------------------------------------


def compose_schema() -> dict[str, Any]:
    vendored = resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    schema: dict[str, Any] = json.loads(vendored.read_text())
    return schema


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    return data


def test_compose_matches_the_compose_specification() -> None:
    schema = compose_schema()
    assert schema["title"] == "Compose Specification", version("check-jsonschema")
    validator = jsonschema.Draft202012Validator(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(compose())]
    assert errors == []


def test_the_compose_schema_refuses_an_unknown_key() -> None:
    broken = compose()
    broken["services"]["kafka"]["restart_policy"] = "always"  # not a service key
    assert list(jsonschema.Draft202012Validator(compose_schema()).iter_errors(broken))


def test_compose_runs_kafka_the_hub_prometheus_and_grafana() -> None:
    services = compose()["services"]
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert kafka["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft
    hubs = {name: s for name, s in services.items() if name.startswith("hub-")}
    run_names: list[str] = []
    for name, service in hubs.items():
        assert service["command"][:2] == ["run", "/etc/hub/hub.yaml"], name
        run_names += only_names(service["command"])
        assert service["read_only"] is True, name
        assert service["environment"]["HUB_KAFKA_BOOTSTRAP"] == "kafka:9092", name
    assert sorted(run_names) == sorted(names_in_example())
    assert set(env_file(DOCKER / "hub.env.example")) >= env_secrets_in_example()
    # Every bind mount's source is in the checkout.
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                assert (DOCKER / source).exists(), f"{name}: {source}"
    # Prometheus scrapes each hub service on its observability port.
    scrape = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    [job] = [j for j in scrape["scrape_configs"] if j["job_name"] == "hub"]
    targets = {t for group in job["static_configs"] for t in group["targets"]}
    port = example()["observability"]["port"]
    assert targets == {f"{name}:{port}" for name in hubs}
    mounts = " ".join(services["prometheus"]["volumes"] + services["grafana"]["volumes"])
    for path in ("prometheus/rules", "grafana/provisioning/datasources", "grafana/dashboards"):
        assert f"../{path}:" in mounts, path


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of deploy/docker/Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (DOCKER / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_the_dockerfile_runs_hub_as_a_non_root_user_with_a_health_check() -> None:
    steps = dockerfile()
    final = max(i for i, (op, _) in enumerate(steps) if op == "FROM")
    assert steps[final][1] == "python:3.11-slim"
    last_stage = dict(steps[final:])
    user = last_stage["USER"].split(":")[0]
    assert user not in {"root", "0"}
    assert "/healthz" in (DOCKER / "Dockerfile").read_text()
    assert last_stage["HEALTHCHECK"].split()[-1] != "NONE"
    assert "9400" in last_stage["EXPOSE"].split()
    assert json.loads(last_stage["ENTRYPOINT"]) == ["hub"]
    assert last_stage["WORKDIR"] == "/opt/hub"
    assert ("COPY", "schemas /opt/hub/schemas") in steps  # hub run reads ./schemas


def test_the_files_the_dockerfile_copies_build_the_hub_package(tmp_path: Path) -> None:
    context = tmp_path / "context"
    context.mkdir()
    for op, args in dockerfile():
        if op != "COPY" or args.startswith("--from"):
            continue
        *sources, _ = shlex.split(args)
        for source in sources:
            assert (ROOT / source).exists(), f"COPY {source}: not in the checkout"
            if (ROOT / source).is_dir():
                shutil.copytree(
                    ROOT / source, context / source, ignore=shutil.ignore_patterns("__pycache__")
                )
            else:
                shutil.copy(ROOT / source, context / source)
    result = run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--wheel-dir",
        tmp_path / "wheel",
        context,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, explain(result)
    [wheel] = (tmp_path / "wheel").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        [entry_points] = [n for n in names if n.endswith("entry_points.txt")]
        text = archive.read(entry_points).decode()
    assert "hub = hub.cli.main:app" in text
    modules = {
        path.relative_to(ROOT).as_posix()
        for package in ("hub", "connectors")
        for path in (ROOT / package).rglob("*.py")
    }
    assert modules - set(names) == set(), "modules the image would not have"


# -- the example configuration ---------------------------------------------------------------


def test_hub_validate_accepts_the_example_configuration() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_KAFKA_")}
    env |= env_file(SYSTEMD / "hub.env.example")
    result = subprocess.run(
        [sys.executable, "-m", "hub.cli.main", "validate", str(EXAMPLE)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, explain(result)
    assert "valid" in result.stdout
