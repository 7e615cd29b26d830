"""Single logout (Profiles §4.4): front-channel, one SP after the other.

A logout started at an SP (or at Connect) ends the Connect session; every other
SP of that session then gets a signed LogoutRequest through the browser, and
the SP that started it gets a signed LogoutResponse at the end.
"""

from __future__ import annotations

import base64
import logging
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.utils.translation import gettext_lazy as _

from config.logs import kv
from idp.saml import checks
from idp.saml.errors import SamlRequestError
from idp.saml.keys import signing_key_current
from idp.saml.models import SamlSession, ServiceProvider
from idp.saml.registry import BINDING_POST, BINDING_REDIRECT, metadata_of
from idp.saml.server import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, DIGEST_ALG, SIGN_ALG, endpoint, idp_server
from idp.saml.sso import PostForm
from idp.saml.xmlsafety import NS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """Either a redirect URL (HTTP-Redirect) or a form to post (HTTP-POST)."""

    redirect_url: str = ""
    form: PostForm | None = None


@dataclass(frozen=True)
class LogoutRequestIn:
    sp_entity_id: str
    request_id: str
    name_id: str
    relay_state: str
    binding: str
    raw: str


def participants(session_key: str) -> list[dict[str, str]]:
    """The SPs this Connect session signed into, as plain values for the session store."""
    rows = SamlSession.objects.filter(session_key=session_key).select_related("service_provider")
    return [
        {
            "sp": row.service_provider.entity_id,
            "name_id": row.name_id,
            "format": row.name_id_format,
            "session_index": row.session_index,
        }
        for row in rows
    ]


def sessions_end(session_key: str) -> int:
    deleted, _rows = SamlSession.objects.filter(session_key=session_key).delete()
    return deleted


def logout_request_receive(*, binding: str, params: dict[str, str], raw_query: str) -> LogoutRequestIn:
    message = checks.receive(binding=binding, params=params, raw_query=raw_query)
    root = message.root
    if root.tag != f"{{{NS['samlp']}}}LogoutRequest":
        raise SamlRequestError(_("The SAML message is not a logout request."), code="type")
    # Profiles §4.4.4.1: a LogoutRequest must be signed (or otherwise authenticated).
    if not message.signed:
        raise SamlRequestError(_("The logout request is not signed."), code="unsigned")
    _verify_post(message, kind="request")
    checks.check_version_and_instant(root)
    checks.check_destination(root, endpoint(f"slo_{binding}"), signed=True)
    request_id = checks.check_not_replayed(root, message.sp)
    name_id = root.find("saml:NameID", NS)
    return LogoutRequestIn(
        message.sp.entity_id,
        request_id,
        (name_id.text or "").strip() if name_id is not None else "",
        message.relay_state,
        binding,
        message.raw,
    )


def logout_response_receive(*, binding: str, params: dict[str, str], raw_query: str, expected_id: str) -> str:
    """Core §3.7.3.2 / §3.2.2: a signed LogoutResponse answering the request we sent. Returns the SP."""
    message = checks.receive(binding=binding, params=params, raw_query=raw_query, kind="SAMLResponse")
    root = message.root
    if root.tag != f"{{{NS['samlp']}}}LogoutResponse" or not message.signed:
        raise SamlRequestError(_("The logout response is not signed."), code="unsigned")
    _verify_post(message, kind="response")
    if not expected_id or root.get("InResponseTo") != expected_id:
        raise SamlRequestError(_("This logout response does not answer our request."), code="in_response_to")
    checks.check_version_and_instant(root)
    return message.sp.entity_id


def _verify_post(message: checks.IncomingMessage, *, kind: str) -> None:
    if message.binding != "post":
        return  # HTTP-Redirect signatures were verified in checks.receive
    server = idp_server()
    try:
        if kind == "request":
            server.parse_logout_request(message.raw, BINDING_HTTP_POST)
        else:
            server.parse_logout_request_response(message.raw, BINDING_HTTP_POST)
    except Exception as exc:  # pysaml2 raises many unrelated types for a bad message
        log.info("saml.logout.refused", extra=kv(sp=message.sp.entity_id, reason=type(exc).__name__))
        raise SamlRequestError(_("The SAML message could not be verified."), code="verify") from None


def _slo_endpoint(sp: ServiceProvider) -> tuple[str, str] | None:
    services = metadata_of(sp).slo
    for wanted in (BINDING_REDIRECT, BINDING_POST):
        for binding, location in services:
            if binding == wanted:
                return binding, location
    return None


def logout_request_send(participant: dict[str, str]) -> tuple[str, Outgoing] | None:
    """A signed LogoutRequest to one SP of the session; None when it has no SLO endpoint."""
    sp = ServiceProvider.objects.filter(entity_id=participant["sp"]).first()
    target = _slo_endpoint(sp) if sp is not None else None
    if sp is None or target is None:
        return None
    binding, location = target
    from saml2.saml import NameID

    name_id = NameID(
        format=participant["format"],
        text=participant["name_id"],
        sp_name_qualifier=sp.entity_id,
    )
    post = binding == BINDING_POST
    request_id, request = idp_server().create_logout_request(
        location,
        sp.entity_id,
        name_id=name_id,
        session_indexes=[participant["session_index"]],
        sign=post,
        sign_alg=SIGN_ALG,
        digest_alg=DIGEST_ALG,
    )
    log.info("saml.logout.request_sent", extra=kv(sp=sp.entity_id, request_id=request_id))
    xml = str(request)
    if post:
        return request_id, Outgoing(form=PostForm(location, "SAMLRequest", _b64(xml), ""))
    return request_id, Outgoing(redirect_url=signed_redirect(location, "SAMLRequest", xml, ""))


def logout_response_send(*, sp_entity_id: str, request: LogoutRequestIn) -> Outgoing:
    """Core §3.7.3.2: a signed LogoutResponse (Success) to the SP that started the logout."""
    server = idp_server()
    saml_binding = BINDING_HTTP_REDIRECT if request.binding == "redirect" else BINDING_HTTP_POST
    parsed = server.parse_logout_request(request.raw, saml_binding)
    sp = ServiceProvider.objects.get(entity_id=sp_entity_id)
    target = _slo_endpoint(sp)
    if target is None:
        raise SamlRequestError(_("This application has no logout address in its metadata."), code="no_slo")
    binding, location = target
    post = binding == BINDING_POST
    response = server.create_logout_response(
        parsed.message,
        [BINDING_HTTP_POST if post else BINDING_HTTP_REDIRECT],
        status=None,
        sign=post,
        sign_alg=SIGN_ALG,
        digest_alg=DIGEST_ALG,
    )
    log.info("saml.logout.response_sent", extra=kv(sp=sp.entity_id, status="Success"))
    xml = str(response)
    if post:
        return Outgoing(form=PostForm(location, "SAMLResponse", _b64(xml), request.relay_state))
    return Outgoing(redirect_url=signed_redirect(location, "SAMLResponse", xml, request.relay_state))


def signed_redirect(location: str, field: str, xml: str, relay_state: str) -> str:
    """Bindings §3.4.4.1: DEFLATE + base64, then sign SAMLRequest/SAMLResponse,
    RelayState and SigAlg (in this order, URL-encoded) with RSA-SHA256."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    encoded = base64.b64encode(compressor.compress(xml.encode("utf-8")) + compressor.flush()).decode()
    query = f"{field}={quote_plus(encoded)}"
    if relay_state:
        query += f"&RelayState={quote_plus(relay_state)}"
    query += f"&SigAlg={quote_plus(SIGN_ALG)}"
    key = serialization.load_pem_private_key(signing_key_current().private_key_pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SamlRequestError(_("The signing key is not an RSA key."), code="key")
    signature = key.sign(query.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    separator = "&" if "?" in location else "?"
    return f"{location}{separator}{query}&Signature={quote_plus(base64.b64encode(signature).decode())}"


def _b64(xml: str) -> str:
    return base64.b64encode(xml.encode("utf-8")).decode("ascii")


def state_new(*, initiator: LogoutRequestIn | None, others: list[dict[str, str]], after: str) -> dict[str, Any]:
    """What the browser's (new, anonymous) session remembers while the chain runs."""
    return {
        "initiator": initiator.__dict__ if initiator is not None else None,
        "pending": others,
        "awaiting": "",
        "after": after,
    }
