"""The tool's RSA signing keys: the current one signs, the previous one stays published for a while.

Platforms verify what the tool signs (deep-linking responses, client assertions for the grade and
roster services) with the public keys at ``GET /lti/jwks/``. Locally the keys live in
``var/lti_keys/`` (generated on first use, readable by their owner only); in production they come
from the settings (``LTI_PRIVATE_KEY``, and ``LTI_PREVIOUS_PUBLIC_KEY`` while a rotation settles).
``tutor lti rotate-key`` makes a new local key; the old one is still published for
``KEEP_PREVIOUS`` so that platforms which cached it keep verifying.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tutor.secret_file import SECRET_MODE

KEEP_PREVIOUS = timedelta(days=7)
ALGORITHM = "RS256"


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_jwk(public: rsa.RSAPublicKey) -> dict[str, str]:
    """The JWK of an RSA public key, its ``kid`` being the RFC 7638 thumbprint."""
    numbers = public.public_numbers()
    core = {"e": _b64(numbers.e), "kty": "RSA", "n": _b64(numbers.n)}
    kid = base64.urlsafe_b64encode(hashlib.sha256(json.dumps(core, separators=(",", ":")).encode()).digest())
    return {**core, "kid": kid.rstrip(b"=").decode(), "alg": ALGORITHM, "use": "sig"}


def generate_pem() -> str:
    """A new 2048-bit RSA private key in PKCS#8 PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return pem.decode()


def _private(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the LTI key must be an RSA private key")
    return key


def _public(pem: str) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("the previous LTI key must be an RSA public key")
    return key


@dataclass(frozen=True)
class ToolKeys:
    """The signing key and every public key still published."""

    private_pem: str
    previous_public_pems: tuple[str, ...] = ()

    @property
    def kid(self) -> str:
        """The ``kid`` of the signing key."""
        return public_jwk(_private(self.private_pem).public_key())["kid"]

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """``{"keys": [...]}``: the current public key first, then the previous ones."""
        keys = [public_jwk(_private(self.private_pem).public_key())]
        keys += [public_jwk(_public(pem)) for pem in self.previous_public_pems]
        return {"keys": keys}

    def sign(self, claims: dict[str, Any]) -> str:
        """A JWT of ``claims`` signed with the current key (its ``kid`` in the header)."""
        return jwt.encode(claims, self.private_pem, algorithm=ALGORITHM, headers={"kid": self.kid})


class KeyFolder:
    """Local keys in ``folder``: ``current.pem``, and ``previous.pem`` with the time it was retired."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self) -> ToolKeys:
        """The keys, generating the current one on first use; a previous key past its time is dropped."""
        current = self.folder / "current.pem"
        if not current.exists():
            self._write(current, generate_pem(), exclusive=True)
        previous: tuple[str, ...] = ()
        retired = self.folder / "previous.json"
        if retired.exists():
            record = json.loads(retired.read_text())
            if time.time() - float(record["retired_at"]) < KEEP_PREVIOUS.total_seconds():
                previous = (str(record["public_pem"]),)
        return ToolKeys(current.read_text(), previous)

    def rotate(self) -> ToolKeys:
        """Make a new current key; the old one's public half stays published for :data:`KEEP_PREVIOUS`."""
        old = self.load()
        public = _private(old.private_pem).public_key()
        pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        record = {"public_pem": pem.decode(), "retired_at": time.time()}
        self._write(self.folder / "previous.json", json.dumps(record))
        self._write(self.folder / "current.pem", generate_pem())
        return self.load()

    def _write(self, path: Path, text: str, exclusive: bool = False) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, SECRET_MODE)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        if exclusive:
            # Of two processes starting at once, the first key written wins; the other is discarded.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
            temporary.unlink()
        else:
            temporary.replace(path)


def tool_keys(private_pem: str | None, previous_public_pem: str | None, folder: Path) -> ToolKeys:
    """The configured keys (production), or the local ones in ``folder``."""
    if private_pem:
        _private(private_pem)  # fail at start-up on a bad key, not at the first launch
        return ToolKeys(private_pem, (previous_public_pem,) if previous_public_pem else ())
    return KeyFolder(folder).load()


class LazyToolKeys:
    """The tool keys, read (or generated) on first use rather than when a process starts."""

    def __init__(self, private_pem: str | None, previous_public_pem: str | None, folder: Path) -> None:
        self._args = (private_pem, previous_public_pem, folder)
        self._keys: ToolKeys | None = None

    def get(self) -> ToolKeys:
        """The keys (loaded once)."""
        if self._keys is None:
            self._keys = tool_keys(*self._args)
        return self._keys

    def rotate(self) -> ToolKeys:
        """A new local signing key (configured keys are rotated by changing the settings)."""
        private_pem, _, folder = self._args
        if private_pem:
            raise ValueError("the key comes from LTI_PRIVATE_KEY: rotate it by changing that setting")
        self._keys = KeyFolder(folder).rotate()
        return self._keys
