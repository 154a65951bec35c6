"""Link keys: this center's Ed25519 signing key and the public keys of the centers it hears."""

from __future__ import annotations

import base64
import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from services.linkage.domain.routing import BadSignature, UnknownSender


def private_pem(key: Ed25519PrivateKey) -> str:
    """A private key as unencrypted PKCS8 PEM."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(key: Ed25519PublicKey) -> str:
    """A public key as SubjectPublicKeyInfo PEM."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_private(pem: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM (ValueError for any other kind)."""
    key = serialization.load_pem_private_key(pem.encode(), None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the link signing key is not an Ed25519 private key")
    return key


def load_public(pem: str) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM (ValueError for any other kind)."""
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("a link public key is not an Ed25519 public key")
    return key


def signing_key(pem: str, file: Path | None, *, generate: bool) -> Ed25519PrivateKey:
    """The configured key, else the key file, else (dev) a new key written to that file."""
    if pem:
        return load_private(pem)
    if file is None:
        raise ValueError("no link signing key: set LINK_SIGNING_KEY or LINK_SIGNING_KEY_FILE")
    if not file.exists():
        if not generate:
            raise ValueError(f"no link signing key in {file} and LINK_GENERATE_KEY is off")
        _write_new(file)
    return load_private(file.read_text())


def _write_new(file: Path) -> None:
    """Write atomically; when another process won the race, its key stays."""
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
    try:
        os.write(fd, private_pem(Ed25519PrivateKey.generate()).encode())
        os.close(fd)
        with contextlib.suppress(FileExistsError):
            os.link(temp, file)
    finally:
        os.unlink(temp)


class LinkKeys:
    """Signs what this center sends; verifies what a named center sent."""

    def __init__(
        self, *, center: str, private: Ed25519PrivateKey, public: Mapping[str, str]
    ) -> None:
        self.center = center
        self.private = private
        self.public = {code: load_public(pem) for code, pem in public.items()}
        self.public.setdefault(center, private.public_key())

    def sign(self, payload: bytes) -> str:
        """The base64 signature of this center over `payload`."""
        return base64.b64encode(self.private.sign(payload)).decode()

    def verify(self, sender: str, payload: bytes, signature: str) -> None:
        """Raise UnknownSender or BadSignature unless `sender` signed `payload`."""
        key = self.public.get(sender)
        if key is None:
            raise UnknownSender(f"no link public key is configured for center {sender}")
        try:
            key.verify(base64.b64decode(signature, validate=True), payload)
        except (InvalidSignature, ValueError) as exc:
            raise BadSignature(f"the signature of {sender} does not verify") from exc
