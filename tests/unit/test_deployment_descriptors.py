"""docker-compose.yml and k8s/ describe the same topology as the local stack. There is no Docker engine or
cluster here, so they are validated: every Kubernetes manifest against the API schemas (kubernetes-validate,
strict), the kustomization against the files, and the compose file's structure and references."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "k8s" / "base"
SERVICES = ("identity", "proposals", "voting", "consultation")
K8S_VERSION = "1.33.0"


def manifests() -> list[tuple[str, dict]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                docs.append((f"{path.name}:{doc['kind']}/{doc['metadata']['name']}", doc))
    return docs


@pytest.mark.parametrize("name,doc", manifests(), ids=[n for n, _ in manifests()])
def test_every_manifest_is_valid_against_the_kubernetes_schema(name, doc):
    kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_the_validator_does_reject_a_broken_manifest():
    _, deployment = next((n, d) for n, d in manifests() if d["kind"] == "Deployment")
    broken = {**deployment, "spec": {**deployment["spec"], "replicas": "two", "replicaz": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)


def test_the_kustomization_lists_exactly_the_manifest_files():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    present = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present


def test_each_service_has_web_and_worker_deployments_with_probes_limits_and_non_root():
    by_name = {doc["metadata"]["name"]: doc for _, doc in manifests() if doc["kind"] == "Deployment"}
    for svc in SERVICES:
        for role in ("web", "worker"):
            deployment = by_name[f"{svc}-{role}"]
            assert deployment["kind"] == "Deployment"
            pod = deployment["spec"]["template"]["spec"]
            assert pod["securityContext"]["runAsNonRoot"] is True
            for container in pod["containers"]:
                assert container["resources"]["requests"] and container["resources"]["limits"]
                assert container["securityContext"]["allowPrivilegeEscalation"] is False
            if role == "web":
                web = pod["containers"][0]
                assert web["readinessProbe"]["httpGet"]["path"] == "/ready"
                assert web["livenessProbe"]["httpGet"]["path"] == "/alive"
                assert pod["initContainers"][0]["command"] == [f"{svc}-svc", "migrate"]
            else:
                assert pod["containers"][0]["command"] == [f"{svc}-svc", "worker"]
        assert by_name[f"{svc}-web"]["spec"]["selector"]["matchLabels"] == \
            next(d for n, d in manifests() if d["kind"] == "Service" and d["metadata"]["name"] == f"{svc}-web"
                 )["spec"]["selector"]
    hpa = next(d for _, d in manifests() if d["kind"] == "HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"]["name"] == "voting-web"


def test_the_secret_template_carries_no_values():
    secret = next(d for _, d in manifests() if d["kind"] == "Secret")
    assert secret["stringData"] and all(v == "" for v in secret["stringData"].values())


def test_compose_runs_the_same_topology_with_health_checks():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    expected = {"postgres", "redis", "kafka", "kafka-topics", "gateway", "mailpit", "web"}
    for svc in SERVICES:
        expected |= {f"{svc}-migrate", f"{svc}-web", f"{svc}-worker"}
    assert set(services) == expected
    assert services["kafka"]["image"].startswith("apache/kafka:4.")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft
    for name, spec in services.items():
        for dependency, condition in (spec.get("depends_on") or {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            assert condition["condition"] in {"service_healthy", "service_completed_successfully"}
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{dependency} has no health check"
    for svc in SERVICES:
        image = services[f"{svc}-web"]["image"]
        assert services[f"{svc}-worker"]["image"] == image == services[f"{svc}-migrate"]["image"]  # one image
        assert services[f"{svc}-worker"]["command"] == [f"{svc}-svc", "worker"]
        assert "healthcheck" in services[f"{svc}-web"]
        assert (REPO / services[f"{svc}-migrate"]["build"]["dockerfile"]).exists()
    assert services["gateway"]["ports"] == ["8080:8080"]
    assert services["gateway"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert "healthcheck" in services["web"] and (REPO / services["web"]["build"]["dockerfile"]).exists()
    assert (REPO / services["gateway"]["build"]["dockerfile"]).exists()


def test_every_dockerfile_runs_as_a_non_root_user():
    for dockerfile in [REPO / f"{svc}-svc" / "Dockerfile" for svc in SERVICES] + [REPO / "gateway" / "Dockerfile",
                                                                                  REPO / "web" / "Dockerfile"]:
        lines = [line.strip() for line in dockerfile.read_text().splitlines()]
        users = [line for line in lines if line.startswith("USER ")]
        assert users and users[-1] not in ("USER root", "USER 0"), dockerfile


def test_the_web_front_end_scales_on_its_own_behind_the_gateway():
    by_kind_name = {(d["kind"], d["metadata"]["name"]): d for _, d in manifests()}
    deployment = by_kind_name[("Deployment", "web")]
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    container = pod["containers"][0]
    assert {"readinessProbe", "livenessProbe", "resources"} <= set(container)
    assert "initContainers" not in pod  # no database, no migrations
    hpa = by_kind_name[("HorizontalPodAutoscaler", "web")]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "web" and hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]
    service = by_kind_name[("Service", "web")]
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    # the gateway image points its web upstream at that Service
    assert f"WEB_UPSTREAM={service['metadata']['name']}:{service['spec']['ports'][0]['port']}" in \
        (REPO / "gateway" / "Dockerfile").read_text()


def test_every_https_deployment_sends_hsts_and_gives_the_site_a_host_prefixed_secure_cookie():
    """Issue 24 (3, 6): the production entry sends Strict-Transport-Security; the site's public address is
    https://, from which glos-web names its cookie __Host-… and makes it Secure. Compose is plain HTTP on
    localhost unless GLOS_PUBLIC_URL / GLOS_HSTS say otherwise."""
    gateway = next(doc for name, doc in manifests() if name == "gateway.yaml:Deployment/gateway")
    env = {e["name"]: e["value"] for e in gateway["spec"]["template"]["spec"]["containers"][0]["env"]}
    max_age = int(env["HSTS"].split("max-age=")[1].split(";")[0])
    assert max_age >= 365 * 24 * 3600 and "includeSubDomains" in env["HSTS"]
    config = next(doc for name, doc in manifests() if name == "config.yaml:ConfigMap/glos-config")
    assert config["data"]["PUBLIC_URL"].startswith("https://") and config["data"]["WEB_SECURE_COOKIES"] == "1"
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    assert compose["gateway"]["environment"]["HSTS"] == "${GLOS_HSTS:-}"
    assert compose["web"]["environment"]["PUBLIC_URL"] == "${GLOS_PUBLIC_URL:-http://localhost:8080}"
    # every gateway answer carries it: both header sets every location includes send it
    for headers in ("security_headers.conf", "web_headers.conf"):
        assert "add_header Strict-Transport-Security $glos_hsts always;" in (REPO / "gateway" / headers).read_text()


def test_a_person_s_login_limit_is_two_a_second_wherever_glos_is_deployed():
    """The gateway's login zone takes LOGIN_RATE from its environment: the image says 2r/s, and neither Compose
    nor Kubernetes changes it (only the dev stack's test profile allows its one-address suite more)."""
    assert "rate=${LOGIN_RATE};" in (REPO / "gateway" / "nginx.conf.template").read_text()
    assert "LOGIN_RATE=2r/s" in (REPO / "gateway" / "Dockerfile").read_text()
    deployed = [REPO / "docker-compose.yml", *sorted((REPO / "k8s").rglob("*.yaml"))]
    assert [p.name for p in deployed if "LOGIN_RATE" in p.read_text(encoding="utf-8")] == []
