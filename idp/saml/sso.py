"""Single sign-on: pysaml2's call sequence (parse_authn_request → response_args
→ create_authn_response) wrapped in our own checks.

Services take plain values (no request) and return what the view posts to the SP.
"""

from __future__ import annotations

import base64
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from lxml import etree  # type: ignore[import-untyped]

from config.logs import kv
from idp.audit.services import audit_record
from idp.authn_methods import authn_summary
from idp.saml import checks
from idp.saml.attributes import ATTRIBUTES, user_attributes
from idp.saml.errors import SamlRequestError
from idp.saml.models import NAMEID_EMAIL, NAMEID_PERSISTENT, SamlSession, ServiceProvider
from idp.saml.server import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, DIGEST_ALG, SIGN_ALG, endpoint, idp_server
from idp.saml.xmlsafety import NS

log = logging.getLogger(__name__)

UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
STATUS_NO_PASSIVE = "urn:oasis:names:tc:SAML:2.0:status:NoPassive"
STATUS_INVALID_NAMEID_POLICY = "urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy"
STATUS_REQUEST_DENIED = "urn:oasis:names:tc:SAML:2.0:status:RequestDenied"
STATUS_TEXT = {
    STATUS_NO_PASSIVE: "NoPassive",
    STATUS_INVALID_NAMEID_POLICY: "InvalidNameIDPolicy",
    STATUS_REQUEST_DENIED: "RequestDenied",
}


@dataclass(frozen=True)
class PostForm:
    """What the browser posts to the SP (Bindings §3.5)."""

    action: str
    field: str  # SAMLResponse or SAMLRequest
    message: str  # base64
    relay_state: str


def sso_receive(*, binding: str, params: dict[str, str], raw_query: str) -> checks.AuthnRequestInfo:
    message = checks.receive(binding=binding, params=params, raw_query=raw_query)
    try:
        # pysaml2 verifies an enveloped XML signature whenever one is present.
        idp_server().parse_authn_request(
            message.raw, BINDING_HTTP_REDIRECT if binding == "redirect" else BINDING_HTTP_POST
        )
    except Exception as exc:  # pysaml2 raises many unrelated types for a bad request
        log.info("saml.request.refused", extra=kv(sp=message.sp.entity_id, reason=type(exc).__name__))
        raise SamlRequestError(_("The SAML request could not be verified."), code="verify") from None
    info = checks.authn_request_info(message, expected_destination=endpoint(f"sso_{binding}"))
    log.info("saml.request.received", extra=kv(sp=info.sp_entity_id, binding=binding, request_id=info.id))
    return info


def persistent_id(user_pk: Any, sp_entity_id: str) -> str:
    """Stable per person and SP, unlinkable across SPs, not editable by anyone (SECURITY.md)."""
    secret = settings.CONNECT_SAML_PERSISTENT_ID_SECRET
    value = f"{user_pk}|{sp_entity_id}"
    return salted_hmac("connect.saml.persistent", value, secret=secret, algorithm="sha256").hexdigest()


def name_id_for(user: Any, sp: ServiceProvider, requested: str | None) -> Any:
    from saml2.saml import NameID

    """Core §3.4.1.1: a requested format we do not release for this SP is an InvalidNameIDPolicy."""
    fmt = sp.nameid_format if requested in (None, "", UNSPECIFIED) else requested
    if fmt != sp.nameid_format:
        raise NameIdPolicyError
    if fmt == NAMEID_EMAIL:
        value = user.email
    elif fmt == NAMEID_PERSISTENT:
        value = persistent_id(user.pk, sp.entity_id)
    else:
        value = "_" + secrets.token_hex(20)
    return NameID(
        format=fmt, text=value, name_qualifier=settings.CONNECT_SAML_ENTITY_ID, sp_name_qualifier=sp.entity_id
    )


class NameIdPolicyError(Exception):
    pass


def authn_context(methods: list[dict[str, Any]]) -> str:
    """The class reference for how this session signed in (Core §2.7.2.2,
    Authn Context §3.4); the same mapping as the ID token's amr/acr."""
    return authn_summary(methods).saml_class_ref


def _identity(user: Any, sp: ServiceProvider) -> dict[str, list[str]]:
    released = user_attributes(user, list(sp.attributes))
    return {ATTRIBUTES[name].friendly_name: values for name, values in released.items()}


def sso_respond(
    *,
    user: Any,
    info: checks.AuthnRequestInfo,
    session_key: str,
    methods: list[dict[str, Any]],
    authn_instant: datetime,
) -> PostForm:
    """A signed Response with a signed Assertion for ``user`` (Profiles §4.1.4.2)."""
    sp = ServiceProvider.objects.get(entity_id=info.sp_entity_id)
    try:
        name_id = name_id_for(user, sp, info.nameid_format)
    except NameIdPolicyError:
        return sso_status(info=info, status=STATUS_INVALID_NAMEID_POLICY)
    response = idp_server().create_authn_response(
        identity=_identity(user, sp),
        in_response_to=info.id or None,
        destination=info.acs_url,
        sp_entity_id=sp.entity_id,
        name_id=name_id,
        authn={
            "class_ref": authn_context(methods),
            "authn_instant": int(authn_instant.timestamp()),
        },
        sign_response=True,
        sign_assertion=True,
        sign_alg=SIGN_ALG,
        digest_alg=DIGEST_ALG,
    )
    session_index = _session_index(str(response))
    with transaction.atomic():
        _session_record(session_key=session_key, user=user, sp=sp, name_id=name_id, session_index=session_index)
        audit_record(event="saml.sso", user=user, sp=sp.entity_id, binding=info.binding)
    log.info("saml.response.sent", extra=kv(sp=sp.entity_id, user=user.pk, request_id=info.id))
    return PostForm(info.acs_url, "SAMLResponse", _b64(str(response)), info.relay_state)


def _session_record(*, session_key: str, user: Any, sp: ServiceProvider, name_id: Any, session_index: str) -> None:
    values = {"user": user, "name_id": name_id.text, "name_id_format": name_id.format, "session_index": session_index}
    try:
        with transaction.atomic():
            SamlSession.objects.update_or_create(session_key=session_key, service_provider=sp, defaults=values)
    except IntegrityError:  # two sign-ins of one session at once: the other one recorded it
        pass


def sso_status(*, info: checks.AuthnRequestInfo, status: str) -> PostForm:
    """Core §3.2.2.2: a signed non-success Response, e.g. NoPassive for IsPassive without a session."""
    response = idp_server().create_error_response(
        info.id or None,
        info.acs_url,
        (status, STATUS_TEXT.get(status, "")),
        sign=True,
        sign_alg=SIGN_ALG,
        digest_alg=DIGEST_ALG,
    )
    log.info("saml.response.status", extra=kv(sp=info.sp_entity_id, status=STATUS_TEXT.get(status, status)))
    return PostForm(info.acs_url, "SAMLResponse", _b64(str(response)), info.relay_state)


def idp_initiated_info(*, sp: ServiceProvider, relay_state: str = "") -> checks.AuthnRequestInfo:
    """Profiles §4.1.5: an unsolicited response, only for SPs where it is switched on."""
    if not sp.allow_idp_initiated:
        raise SamlRequestError(_("This application does not accept sign-on started at Connect."), code="idp_initiated")
    metadata = checks.metadata_of(sp)
    defaults = [loc for _i, _b, loc, is_default in metadata.acs if is_default]
    acs = defaults[0] if defaults else metadata.acs[0][2]
    return checks.AuthnRequestInfo("", sp.entity_id, acs, False, False, None, relay_state[:1024], "idp")


def _session_index(xml: str) -> str:
    # Our own output, just signed: pysaml2 chose the SessionIndex (Core §2.7.2).
    statement = etree.fromstring(xml.encode("utf-8")).find(".//saml:AuthnStatement", NS)
    return statement.get("SessionIndex", "") if statement is not None else ""


def _b64(xml: str) -> str:
    return base64.b64encode(xml.encode("utf-8")).decode("ascii")
