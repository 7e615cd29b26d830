"""An AuthnRequest or LogoutRequest, parsed into a dataclass and checked by
small functions, each citing the rule it enforces.

Order matters: safe XML first (nothing else parses before it), then the SP
must be registered, then signatures, then pysaml2's own parse, then the
time window and the replay cache.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, unquote_plus

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from lxml import etree  # type: ignore[import-untyped]

from idp.saml.errors import SamlRequestError
from idp.saml.models import ServiceProvider
from idp.saml.registry import SpMetadata, metadata_of
from idp.saml.xmlsafety import NS, check_signature_shape, decode_message, parse_xml

# How old a request may be, and how far in the future (clock skew).
MAX_REQUEST_AGE = timedelta(minutes=3)
MAX_CLOCK_SKEW = timedelta(seconds=60)

ACS_UNKNOWN = _("The requested AssertionConsumerService is not in the registered metadata.")

_REDIRECT_ALGORITHMS: dict[str, hashes.HashAlgorithm] = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": hashes.SHA256(),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": hashes.SHA384(),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": hashes.SHA512(),
}


@dataclass(frozen=True)
class IncomingMessage:
    """One SAML protocol message as it arrived, already XML-safe."""

    binding: str  # "redirect" or "post"
    raw: str  # the SAMLRequest/SAMLResponse parameter as received
    root: etree._Element
    sp: ServiceProvider
    metadata: SpMetadata
    signed: bool
    relay_state: str


@dataclass(frozen=True)
class AuthnRequestInfo:
    id: str
    sp_entity_id: str
    acs_url: str
    force_authn: bool
    is_passive: bool
    nameid_format: str | None
    relay_state: str
    binding: str


def receive(*, binding: str, params: dict[str, str], raw_query: str, kind: str = "SAMLRequest") -> IncomingMessage:
    value = params.get(kind, "")
    if not value:
        raise SamlRequestError(_("The request holds no SAML message."), code="missing")
    root = parse_xml(decode_message(value, deflated=binding == "redirect"))
    sp = check_issuer(root)
    metadata = metadata_of(sp)
    if binding == "redirect":
        signed = check_redirect_signature(raw_query, metadata, kind=kind)
        if root.find("ds:Signature", NS) is not None:
            # Bindings §3.4.4.1: an XML signature must be removed before DEFLATE encoding.
            raise SamlRequestError(_("The signature of the SAML message is not acceptable."), code="signature")
    else:
        signed = check_signature_shape(root)
    return IncomingMessage(binding, value, root, sp, metadata, signed, params.get("RelayState", ""))


def check_issuer(root: etree._Element) -> ServiceProvider:
    """Core §3.2.1: the Issuer names the requester; only registered SPs are served."""
    issuer = root.find("saml:Issuer", NS)
    entity_id = (issuer.text or "").strip() if issuer is not None else ""
    sp = ServiceProvider.objects.filter(entity_id=entity_id).first() if entity_id else None
    if sp is None:
        raise SamlRequestError(_("This application is not registered with Connect."), code="unknown_sp")
    return sp


def check_redirect_signature(raw_query: str, metadata: SpMetadata, *, kind: str) -> bool:
    """Bindings §3.4.4.1: the signature covers SAMLRequest, RelayState and SigAlg
    exactly as they appear (URL-encoded) in the query string, in that order."""
    parts = dict(p.split("=", 1) for p in raw_query.split("&") if "=" in p)
    if "Signature" not in parts:
        return False
    sig_alg = unquote_plus(parts.get("SigAlg", ""))
    algorithm = _REDIRECT_ALGORITHMS.get(sig_alg)
    if algorithm is None:
        raise SamlRequestError(_("The signature algorithm of the SAML message is not accepted."), code="signature")
    signed_part = "&".join(f"{name}={parts[name]}" for name in (kind, "RelayState", "SigAlg") if name in parts)
    try:
        signature = base64.b64decode(unquote_plus(parts["Signature"]), validate=True)
    except (binascii.Error, ValueError):
        raise SamlRequestError(_("The signature of the SAML message is not valid."), code="signature") from None
    for cert in metadata.signing_certs:
        key = cert.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            continue
        try:
            key.verify(signature, signed_part.encode("ascii"), padding.PKCS1v15(), algorithm)
            return True
        except InvalidSignature:
            continue
    raise SamlRequestError(_("The signature of the SAML message is not valid."), code="signature")


def check_signed_if_required(message: IncomingMessage) -> None:
    """Metadata §2.4.4 AuthnRequestsSigned / Profiles §4.4.4.1 (logout must be signed)."""
    required = message.sp.authn_requests_signed or settings.CONNECT_SAML_WANT_AUTHN_REQUESTS_SIGNED
    if required and not message.signed:
        message_text = _("This application must sign its requests, and this one is not signed.")
        raise SamlRequestError(message_text, code="unsigned")


def check_version_and_instant(root: etree._Element) -> None:
    """Core §3.2.1: Version is 2.0; IssueInstant is recent (pysaml2 computes the window but does not enforce it)."""
    if root.get("Version") != "2.0":
        raise SamlRequestError(_("Only SAML 2.0 requests are accepted."), code="version")
    instant = parse_datetime(root.get("IssueInstant", "").strip())
    if instant is None or instant.tzinfo is None:
        raise SamlRequestError(_("The SAML request has no valid IssueInstant."), code="instant")
    check_fresh(instant)


def check_fresh(instant: datetime) -> None:
    now = timezone.now()
    if instant < now - MAX_REQUEST_AGE or instant > now + MAX_CLOCK_SKEW:
        raise SamlRequestError(_("The SAML request is too old or from the future. Please start again."), code="stale")


def check_destination(root: etree._Element, expected: str, *, signed: bool) -> None:
    """Core §3.2.1: a Destination must be where it arrived; Bindings §3.4.5.2 / §3.5.5.2:
    signed messages must carry one."""
    destination = root.get("Destination")
    if destination is None and not signed:
        return
    if destination != expected:
        raise SamlRequestError(_("The SAML request was addressed to another destination."), code="destination")


def check_not_replayed(root: etree._Element, sp: ServiceProvider) -> str:
    """Core §1.3.4: an ID is unique; the same request is accepted once (shared cache)."""
    request_id = root.get("ID", "")
    if not request_id or len(request_id) > 256:
        raise SamlRequestError(_("The SAML request has no valid ID."), code="id")
    key = f"saml:seen:{sp.pk}:{request_id}"
    ttl = int((MAX_REQUEST_AGE + MAX_CLOCK_SKEW).total_seconds()) + 60
    if not cache.add(key, 1, timeout=ttl):
        raise SamlRequestError(_("This SAML request was already used. Please start again."), code="replay")
    return request_id


def check_acs(root: etree._Element, metadata: SpMetadata) -> str:
    """Profiles §4.1.4.1: the response goes to an ACS from the SP's metadata; a
    requested URL or index must match it, never taken from the request as is."""
    requested_url = root.get("AssertionConsumerServiceURL")
    requested_index = root.get("AssertionConsumerServiceIndex")
    binding = root.get("ProtocolBinding")
    if binding and binding != "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST":
        raise SamlRequestError(_("Connect answers only with the HTTP-POST binding."), code="binding")
    if requested_url:
        for _index, _binding, location, _default in metadata.acs:
            if location == requested_url:
                return location
        raise SamlRequestError(ACS_UNKNOWN, code="acs")
    if requested_index is not None:
        for index, _binding, location, _default in metadata.acs:
            if index is not None and str(index) == requested_index:
                return location
        raise SamlRequestError(ACS_UNKNOWN, code="acs")
    defaults = [location for _i, _b, location, is_default in metadata.acs if is_default]
    return defaults[0] if defaults else metadata.acs[0][2]


def authn_request_info(message: IncomingMessage, *, expected_destination: str) -> AuthnRequestInfo:
    root = message.root
    if root.tag != f"{{{NS['samlp']}}}AuthnRequest":
        raise SamlRequestError(_("The SAML message is not an authentication request."), code="type")
    check_signed_if_required(message)
    check_version_and_instant(root)
    check_destination(root, expected_destination, signed=message.signed)
    acs_url = check_acs(root, message.metadata)
    policy = root.find("samlp:NameIDPolicy", NS)
    info = AuthnRequestInfo(
        id=check_not_replayed(root, message.sp),
        sp_entity_id=message.sp.entity_id,
        acs_url=acs_url,
        force_authn=root.get("ForceAuthn") in {"true", "1"},
        is_passive=root.get("IsPassive") in {"true", "1"},
        nameid_format=policy.get("Format") if policy is not None else None,
        relay_state=message.relay_state[:1024],  # Bindings §3.4.3: at most 80 bytes advised
        binding=message.binding,
    )
    return info


def query_params(raw_query: str) -> dict[str, str]:
    return dict(parse_qsl(raw_query, keep_blank_values=True))
