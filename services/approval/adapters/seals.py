"""Electronic seals (电子印章): an Ed25519 key per department, configured or made for dev."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from libs.events.http import Problem
from services.approval.domain.document import SEAL_ALGORITHM, signed_payload

ALGORITHM = SEAL_ALGORITHM
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*$")


class SealKeyMissing(Problem):
    """No signing key is configured for a department and generating one is switched off."""

    def __init__(self, department: str) -> None:
        super().__init__(
            503,
            f"no seal key is configured for department {department}",
            rule="SealKeyMissing",
            detail_zh=f"部门 {department} 未配置电子印章密钥，暂不能出具决定书",
        )


@dataclass(frozen=True)
class SealKey:
    """A department's key pair (the private half only where this node signs with it)."""

    department: str
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        """The half everyone may have."""
        return self.private.public_key()

    @property
    def key_id(self) -> str:
        """A short fingerprint of the public key."""
        return _key_id(self.public)

    @property
    def public_pem(self) -> str:
        """The public key as SubjectPublicKeyInfo PEM."""
        return _public_pem(self.public)


@dataclass(frozen=True)
class Verdict:
    """Whether a sealed document is genuine and unaltered, and why not."""

    genuine: bool
    detail: str
    department: str | None = None


def _load_pem(pem: str | bytes, department: str) -> SealKey:
    key = serialization.load_pem_private_key(pem if isinstance(pem, bytes) else pem.encode(), None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"the seal key of {department} is not an Ed25519 private key")
    return SealKey(department, key)


def _key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def _published(label: str, pem: str) -> tuple[str, tuple[str, Ed25519PublicKey]]:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"the published seal key of {label} is not an Ed25519 public key")
    return _key_id(key), (label, key)


def _file_name(department: str) -> str:
    if _SAFE_NAME.match(department):
        return f"{department}.pem"
    return f"x-{department.encode().hex()}.pem"


class SealKeys:
    """Signs and verifies; keys come from SEAL_KEYS, then SEAL_KEYS_DIR, then (dev) are made."""

    def __init__(
        self,
        *,
        configured: Mapping[str, str],
        directory: Path | None,
        generate: bool,
        published: Mapping[str, str] | None = None,
    ) -> None:
        self.directory = directory
        self.generate = generate
        self._keys = {dept: _load_pem(pem, dept) for dept, pem in configured.items()}
        # Other centers' public keys by key id: "<center>/<department>" and the key.
        self._published = dict(_published(label, pem) for label, pem in (published or {}).items())

    def key_for(self, department: str) -> SealKey:
        """The department's signing key, made and kept on first use when generation is on."""
        key = self._keys.get(department) or self._from_directory(department)
        if key is None:
            if not self.generate or self.directory is None:
                raise SealKeyMissing(department)
            key = self._create(department)
        self._keys[department] = key
        return key

    def _from_directory(self, department: str) -> SealKey | None:
        if self.directory is None:
            return None
        path = self.directory / _file_name(department)
        return _load_pem(path.read_bytes(), department) if path.exists() else None

    def _create(self, department: str) -> SealKey:
        """Write a new key atomically; when another process won the race, use its key."""
        assert self.directory is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd, temp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            os.write(fd, pem)
            os.close(fd)
            with contextlib.suppress(FileExistsError):
                os.link(temp, self.directory / _file_name(department))
        finally:
            os.unlink(temp)
        found = self._from_directory(department)
        assert found is not None
        return found

    def known(self) -> list[SealKey]:
        """Every key this node holds: configured, in its directory, or made so far."""
        if self.directory is not None and self.directory.is_dir():
            for path in sorted(self.directory.glob("*.pem")):
                name = path.stem
                dept = bytes.fromhex(name[2:]).decode() if name.startswith("x-") else name
                self._keys.setdefault(dept, _load_pem(path.read_bytes(), dept))
        return sorted(self._keys.values(), key=lambda k: k.department)

    def sign(self, department: str, document: dict[str, Any], pdf: bytes) -> dict[str, str]:
        """The seal over the canonical document and the PDF's SHA-256."""
        key = self.key_for(department)
        digest = hashlib.sha256(pdf).hexdigest()
        payload = signed_payload(document, pdf_sha256=digest, key_id=key.key_id)
        return {
            "algorithm": ALGORITHM,
            "department": department,
            "key_id": key.key_id,
            "pdf_sha256": digest,
            "signature": base64.b64encode(key.private.sign(payload)).decode(),
        }

    def public_key(self, key_id: str) -> tuple[str, Ed25519PublicKey] | None:
        """The department (`<center>/<department>` for another center's) and public key."""
        own = next((k for k in self.known() if k.key_id == key_id), None)
        if own is not None:
            return own.department, own.public
        return self._published.get(key_id)

    def public_pem(self, key_id: str) -> str:
        """The PEM of a known key ('' when unknown)."""
        found = self.public_key(key_id)
        return "" if found is None else _public_pem(found[1])

    def verify(self, document: dict[str, Any], pdf: bytes, seal: Mapping[str, str]) -> Verdict:
        """Genuine only when the key is known and neither the document, PDF nor seal changed."""
        found = self.public_key(seal.get("key_id", ""))
        if found is None:
            return Verdict(False, "the seal's key is not a published key of this or a known center")
        label, public = found
        department = label.rsplit("/", 1)[-1]
        digest = hashlib.sha256(pdf).hexdigest()
        if digest != seal.get("pdf_sha256") or department != seal.get("department"):
            return Verdict(False, "the PDF or the seal was altered", department)
        payload = signed_payload(document, pdf_sha256=digest, key_id=seal.get("key_id", ""))
        try:
            public.verify(base64.b64decode(seal.get("signature", ""), validate=True), payload)
        except (InvalidSignature, ValueError):
            return Verdict(False, "the signature does not match the document", department)
        return Verdict(True, f"sealed by {label} with key {seal.get('key_id')}", department)
