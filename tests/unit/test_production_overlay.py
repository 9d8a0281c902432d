"""k8s/overlays/production (issue 26, point 1): the base on Strimzi, CloudNativePG, a Redis operator, TLS at the
entry and NetworkPolicies. There is no cluster here: the overlay is built with kustomize (built from the Go module
proxy, pinned, cached in ~/.cache/glos/bin) and every resource of the build is validated — the Kubernetes kinds
against the API schemas (kubernetes-validate, strict), every custom resource against its operator's own CRD schema
(devstack/operator_schemas.py: pinned, from the Go module proxy and Maven Central), strictly — and what it must say
is checked against the code it deploys: the topics of glos_chassis.topics, the groups and topics each service's
worker uses."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "devstack"))

import operator_schemas  # noqa: E402

from glos_chassis import topics  # noqa: E402

OVERLAY = REPO / "k8s" / "overlays" / "production"
KUSTOMIZE = "v5.8.1"  # the newest the Go here (1.26) builds
K8S_VERSION = "1.33.0"
SERVICES = ("identity", "proposals", "voting", "consultation")


def kustomize() -> str:
    binary = operator_schemas.CACHE.parent / "bin" / f"kustomize-{KUSTOMIZE}"
    if not binary.exists():
        binary.parent.mkdir(parents=True, exist_ok=True)
        build = binary.parent / f"build-{os.getpid()}"
        subprocess.run(["go", "install", f"sigs.k8s.io/kustomize/kustomize/v5@{KUSTOMIZE}"], check=True,
                       capture_output=True, timeout=900, env={**os.environ, "GOBIN": str(build)})
        (build / "kustomize").rename(binary)
        build.rmdir()
    return str(binary)


@pytest.fixture(scope="module")
def built() -> list[dict]:
    out = subprocess.run([kustomize(), "build", str(OVERLAY)], check=True, capture_output=True, text=True, timeout=120)
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


def of_kind(built, kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in built if doc["kind"] == kind}


def test_every_resource_is_valid_against_its_schema(built):
    custom = operator_schemas.schemas()
    checked = {"kubernetes": 0, "operators": 0}
    for doc in built:
        if (doc["apiVersion"], doc["kind"]) in custom:
            operator_schemas.validate(doc)
            checked["operators"] += 1
        else:
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
            checked["kubernetes"] += 1
    assert checked["operators"] >= 30 and checked["kubernetes"] >= 30, checked
    assert all(doc["metadata"].get("namespace") == "glos" for doc in built if doc["kind"] != "Namespace")


def test_the_validator_refuses_a_misspelt_or_mistyped_custom_resource(built):
    kafka = of_kind(built, "Kafka")["glos-kafka"]
    misspelt = copy.deepcopy(kafka)
    misspelt["spec"]["kafka"]["listener"] = misspelt["spec"]["kafka"].pop("listeners")
    with pytest.raises(jsonschema.ValidationError):
        operator_schemas.validate(misspelt)
    cluster = copy.deepcopy(of_kind(built, "Cluster")["glos-pg"])
    cluster["spec"]["instances"] = "three"
    with pytest.raises(jsonschema.ValidationError):
        operator_schemas.validate(cluster)


def test_kafka_in_kraft_three_controllers_three_brokers_and_no_acknowledged_write_lost(built):
    pools = of_kind(built, "KafkaNodePool")
    assert {name: (p["spec"]["replicas"], p["spec"]["roles"]) for name, p in pools.items()} == {
        "controllers": (3, ["controller"]), "brokers": (3, ["broker"])}
    assert all(p["metadata"]["labels"]["strimzi.io/cluster"] == "glos-kafka" for p in pools.values())
    kafka = of_kind(built, "Kafka")["glos-kafka"]["spec"]["kafka"]
    config = kafka["config"]
    assert (config["default.replication.factor"], config["min.insync.replicas"],
            config["unclean.leader.election.enable"], config["auto.create.topics.enable"]) == (3, 2, False, False)
    assert [(lst["port"], lst["tls"], lst["authentication"]["type"]) for lst in kafka["listeners"]] == [(9093, True, "tls")]
    assert kafka["authorization"]["type"] == "simple"


def test_a_kafka_topic_for_every_topic_the_services_use(built):
    deployed = {t["spec"]["topicName"]: t["spec"] for t in of_kind(built, "KafkaTopic").values()}
    used = {t.name: t for t in topics.TOPICS if not t.name.startswith(("glos.tests", "glos-tests"))}
    assert set(deployed) == set(used)
    for name, topic in used.items():
        spec = deployed[name]
        assert (spec["partitions"], spec["replicas"], spec["config"]["min.insync.replicas"]) == (topic.partitions, 3, "2")
        assert {k: spec["config"][k] for k in topic.configs} == topic.configs, name
    assert deployed["voting.votes"]["config"]["retention.ms"] == "-1"  # the vote log is kept forever


def _what_each_service_does() -> dict[str, dict[str, set[str]]]:
    """From the code: the topics each service writes (its outbox topic; voting-svc's vote log), the groups its
    worker runs with the topics they read, and those groups' dead-letter topics."""
    from consultation_svc import events as consultation_events, handlers as consultation_handlers
    from identity_svc import events as identity_events, handlers as identity_handlers, notifications
    from proposals_svc import events as proposals_events, handlers as proposals_handlers
    from voting_svc import handlers as voting_handlers, tally, voting

    groups = {"identity": [identity_handlers, notifications], "proposals": [proposals_handlers],
              "voting": [voting_handlers, tally], "consultation": [consultation_handlers]}
    writes = {"identity": {identity_events.TOPIC}, "proposals": {proposals_events.TOPIC},
              "voting": {"voting.events", voting.VOTE_LOG}, "consultation": {consultation_events.TOPIC}}
    found = {}
    for svc in SERVICES:
        found[svc] = {
            "write": writes[svc] | {topics.dead_letter_topic(m.GROUP_ID) for m in groups[svc]},
            "read": {t for m in groups[svc] for t in m.TOPICS} | ({voting.VOTE_LOG} if svc == "voting" else set()),
            "groups": {m.GROUP_ID for m in groups[svc]},
        }
    return found


def test_each_service_s_kafka_user_may_do_exactly_what_its_code_does(built):
    users = of_kind(built, "KafkaUser")
    assert set(users) == {f"{svc}-svc" for svc in SERVICES}
    for svc, does in _what_each_service_does().items():
        user = users[f"{svc}-svc"]["spec"]
        assert user["authentication"]["type"] == "tls"
        allowed: dict[tuple[str, str], set[str]] = {}
        for acl in user["authorization"]["acls"]:
            assert acl["resource"]["patternType"] == "literal" and acl.get("type", "allow") == "allow"
            allowed.setdefault((acl["resource"]["type"], acl["resource"]["name"]), set()).update(acl["operations"])
        expected: dict[tuple[str, str], set[str]] = {}
        for topic in does["write"]:
            expected.setdefault(("topic", topic), set()).update({"Write", "Describe"})
        for topic in does["read"]:
            expected.setdefault(("topic", topic), set()).update({"Read", "Describe"})
        for group in does["groups"]:
            expected[("group", group)] = {"Read", "Describe"}
        assert allowed == expected, svc


def test_postgresql_three_instances_a_database_and_role_per_service_pooled_and_backed_up(built):
    cluster = of_kind(built, "Cluster")["glos-pg"]["spec"]
    assert cluster["instances"] == 3 and cluster["postgresql"]["synchronous"]["number"] >= 1
    archiver = next(p for p in cluster["plugins"] if p.get("isWALArchiver"))
    assert archiver["name"] == "barman-cloud.cloudnative-pg.io"
    assert archiver["parameters"]["barmanObjectName"] in of_kind(built, "ObjectStore")
    backup = of_kind(built, "ScheduledBackup")["glos-pg-nightly"]["spec"]
    assert (backup["method"], backup["pluginConfiguration"]["name"]) == ("plugin", "barman-cloud.cloudnative-pg.io")
    roles, databases, poolers = of_kind(built, "DatabaseRole"), of_kind(built, "Database"), of_kind(built, "Pooler")
    secrets = of_kind(built, "Secret")
    for svc in SERVICES:
        role = roles[f"glos-pg-{svc}"]["spec"]
        assert (role["name"], role["login"], role.get("superuser", False)) == (svc, True, False)
        assert secrets[role["passwordSecret"]["name"]]["type"] == "kubernetes.io/basic-auth"
        assert (databases[f"glos-pg-{svc}"]["spec"]["name"], databases[f"glos-pg-{svc}"]["spec"]["owner"]) == (svc, svc)
        assert poolers[f"glos-pg-{svc}"]["spec"]["cluster"]["name"] == "glos-pg"


def test_each_service_reaches_its_own_database_and_kafka_over_tls_with_its_certificate(built):
    deployments = of_kind(built, "Deployment")
    config = of_kind(built, "ConfigMap")["glos-config"]["data"]
    assert config["KAFKA_SECURITY_PROTOCOL"] == "SSL" and config["KAFKA_BOOTSTRAP_SERVERS"].endswith(":9093")
    for svc in SERVICES:
        for role in ("web", "worker"):
            pod = deployments[f"{svc}-{role}"]["spec"]["template"]["spec"]
            for container in pod["containers"] + pod.get("initContainers", []):
                env = {e["name"]: e for e in container.get("env", [])}
                assert env["DB_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == f"glos-db-{svc}"
                assert f"@glos-pg-{svc}:5432/{svc}" in env[f"{svc.upper()}_DATABASE_URL"]["value"]
                mounts = {m["mountPath"] for m in container["volumeMounts"]}
                assert {"/etc/glos/kafka-ca", "/etc/glos/kafka-user"} <= mounts
                assert os.path.dirname(config["KAFKA_SSL_CERTFILE"]) in mounts
            volumes = {v["name"]: v for v in pod["volumes"]}
            assert volumes["kafka-user"]["secret"]["secretName"] == f"{svc}-svc"  # its KafkaUser's certificate
    assert "kafka-topics" not in of_kind(built, "Job")  # the Topic Operator's job now


def test_network_policies_let_each_service_reach_only_what_it_needs(built):
    policies = of_kind(built, "NetworkPolicy")
    assert policies["glos-default-deny"]["spec"]["ingress"] == []
    for svc in SERVICES:
        spec = policies[f"{svc}-svc"]["spec"]
        targets = [peer for rule in spec["egress"] for peer in rule.get("to", [])]
        poolers = {p["podSelector"]["matchLabels"]["cnpg.io/poolerName"] for p in targets
                   if "cnpg.io/poolerName" in p.get("podSelector", {}).get("matchLabels", {})}
        assert poolers == {f"glos-pg-{svc}"}  # its own database's pooler, no other
        callers = {p["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for rule in spec["ingress"]
                   for p in rule["from"] if "podSelector" in p}
        others = {f"{o}-svc" for o in SERVICES if o != "identity"} if svc == "identity" else set()
        assert callers == {"gateway", "glos-web"} | others  # identity-svc also serves its JWKS


def test_the_entry_is_https_only(built):
    ingress = of_kind(built, "Ingress")["glos"]
    assert ingress["spec"]["tls"][0]["secretName"]
    gateway = of_kind(built, "Deployment")["gateway"]["spec"]["template"]["spec"]["containers"][0]
    assert any(e["name"] == "HSTS" and "max-age=" in e["value"] for e in gateway["env"])
