"""The IdP's signing keys: generated here, stored in the database, rotated with overlap.

Rotation works like the OIDC keys: there is always a ``next`` certificate in the
metadata before it signs anything, so SPs that refresh metadata trust it in
time. ``saml_keys rotate`` makes ``next`` the signing key, retires the old one
and publishes a fresh ``next``.
"""

from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.logs import kv
from idp.audit.services import audit_record
from idp.saml.models import SigningKey

log = logging.getLogger(__name__)

KEY_BITS = 3072
CERT_DAYS = 3 * 365


def _generate(*, state: str) -> SigningKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    now = timezone.now()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Connect SAML signing")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=CERT_DAYS))
        .sign(key, hashes.SHA256())
    )
    return SigningKey.objects.create(
        kid=secrets.token_hex(8),
        state=state,
        private_key_pem=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        not_after=cert.not_valid_after_utc,
        activated_at=now if state == SigningKey.State.CURRENT else None,
    )


@transaction.atomic
def signing_keys_ensure() -> SigningKey:
    """The current signing key; creates the first current and next keys on first use."""
    current = SigningKey.objects.select_for_update().filter(state=SigningKey.State.CURRENT).first()
    if current is None:
        current = _generate(state=SigningKey.State.CURRENT)
        log.info("saml.key.created", extra=kv(kid=current.kid, state="current"))
    if not SigningKey.objects.filter(state=SigningKey.State.NEXT).exists():
        upcoming = _generate(state=SigningKey.State.NEXT)
        log.info("saml.key.created", extra=kv(kid=upcoming.kid, state="next"))
    return current


def signing_key_current() -> SigningKey:
    current = SigningKey.objects.filter(state=SigningKey.State.CURRENT).first()
    return current if current is not None else signing_keys_ensure()


def signing_keys_published() -> list[SigningKey]:
    """Current first, then next: both belong in the metadata."""
    signing_keys_ensure()
    keys = list(SigningKey.objects.filter(state__in=[SigningKey.State.CURRENT, SigningKey.State.NEXT]))
    return sorted(keys, key=lambda k: k.state != SigningKey.State.CURRENT)


@transaction.atomic
def signing_keys_rotate() -> SigningKey:
    """Promote the published ``next`` key to signing; publish a new ``next``."""
    signing_keys_ensure()
    now = timezone.now()
    old = SigningKey.objects.select_for_update().get(state=SigningKey.State.CURRENT)
    new = SigningKey.objects.select_for_update().get(state=SigningKey.State.NEXT)
    old.state, old.retired_at = SigningKey.State.RETIRED, now
    old.save(update_fields=["state", "retired_at"])
    new.state, new.activated_at = SigningKey.State.CURRENT, now
    new.save(update_fields=["state", "activated_at"])
    _generate(state=SigningKey.State.NEXT)
    audit_record(event="saml.key.rotated", retired=old.kid, current=new.kid)
    log.info("saml.key.rotated", extra=kv(retired=old.kid, current=new.kid))
    return new


def key_files(key: SigningKey) -> tuple[str, str]:
    """pysaml2 hands key and certificate to the xmlsec1 program as files:
    write them once per key, readable by this user only."""
    folder = Path(settings.VAR_DIR) / "saml-keys"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_path, cert_path = folder / f"{key.kid}.key", folder / f"{key.kid}.crt"
    if not key_path.exists():
        fd = os.open(key_path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(key.private_key_pem)
        os.replace(key_path.with_suffix(".tmp"), key_path)
    if not cert_path.exists():
        cert_path.write_text(key.certificate_pem)
    return str(key_path), str(cert_path)


def certificate_body(pem: str) -> str:
    """The base64 body of a PEM certificate, as metadata's X509Certificate wants it."""
    return "".join(line for line in pem.strip().splitlines() if not line.startswith("-----"))
