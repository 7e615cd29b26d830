"""The registry of service providers: adding validates the metadata first,
so nothing half-usable is ever saved."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography import x509
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree  # type: ignore[import-untyped]

from config.logs import kv
from idp.audit.services import audit_record
from idp.saml.attributes import ATTRIBUTES
from idp.saml.errors import MetadataError, SamlRequestError
from idp.saml.models import NAMEID_FORMATS, NAMEID_PERSISTENT, ServiceProvider
from idp.saml.xmlsafety import NS, parse_xml

log = logging.getLogger(__name__)

BINDING_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
BINDING_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"


@dataclass(frozen=True)
class SpMetadata:
    entity_id: str
    acs: list[tuple[int | None, str, str, bool]]  # (index, binding, location, is_default)
    slo: list[tuple[str, str]]  # (binding, location)
    signing_certs: list[x509.Certificate]
    authn_requests_signed: bool


def _absolute_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"https", "http"} and bool(parts.netloc)


def metadata_parse(xml: bytes) -> SpMetadata:
    """Metadata §2.3.2 (EntityDescriptor), §2.4.4 (SPSSODescriptor), §2.4.1.1 (KeyDescriptor)."""
    try:
        root = parse_xml(xml)
    except SamlRequestError as exc:
        raise MetadataError(_("The metadata is not usable XML: %(reason)s") % {"reason": exc.message}) from None
    if root.tag != f"{{{NS['md']}}}EntityDescriptor":
        raise MetadataError(_("The metadata must have one md:EntityDescriptor as its root element."))
    entity_id = (root.get("entityID") or "").strip()
    if not entity_id:
        raise MetadataError(_("The metadata has no entityID."))
    sp = root.find("md:SPSSODescriptor", NS)
    if sp is None:
        raise MetadataError(_("The metadata has no SPSSODescriptor: it does not describe a service provider."))
    acs: list[tuple[int | None, str, str, bool]] = []
    for element in sp.findall("md:AssertionConsumerService", NS):
        location, binding = element.get("Location", ""), element.get("Binding", "")
        if binding != BINDING_POST:
            continue  # we answer on HTTP-POST only (Profiles §4.1.2)
        if not _absolute_url(location):
            text = _("AssertionConsumerService location %(url)s is not an http(s) URL.")
            raise MetadataError(text % {"url": location})
        index = element.get("index")
        number = int(index) if index and index.isdigit() else None
        acs.append((number, binding, location, element.get("isDefault") == "true"))
    if not acs:
        raise MetadataError(_("The metadata has no AssertionConsumerService with the HTTP-POST binding."))
    slo = [
        (e.get("Binding", ""), e.get("Location", ""))
        for e in sp.findall("md:SingleLogoutService", NS)
        if e.get("Binding") in {BINDING_POST, BINDING_REDIRECT} and _absolute_url(e.get("Location", ""))
    ]
    certs = _signing_certificates(sp)
    signed = sp.get("AuthnRequestsSigned") == "true"
    if signed and not certs:
        raise MetadataError(_("The metadata says requests are signed but holds no signing certificate."))
    return SpMetadata(entity_id, acs, slo, certs, signed)


def _signing_certificates(sp: etree._Element) -> list[x509.Certificate]:
    certs = []
    now = timezone.now()
    for descriptor in sp.findall("md:KeyDescriptor", NS):
        if descriptor.get("use") not in (None, "signing"):
            continue
        for element in descriptor.findall(".//ds:X509Certificate", NS):
            try:
                cert = x509.load_der_x509_certificate(base64.b64decode("".join((element.text or "").split())))
            except ValueError:
                raise MetadataError(_("A certificate in the metadata cannot be read.")) from None
            if cert.not_valid_after_utc < now:
                raise MetadataError(
                    _("The signing certificate in the metadata expired on %(date)s.")
                    % {"date": cert.not_valid_after_utc.date().isoformat()}
                )
            certs.append(cert)
    return certs


def metadata_of(sp: ServiceProvider) -> SpMetadata:
    return metadata_parse(sp.metadata_xml.encode())


@transaction.atomic
def service_provider_add(
    *,
    metadata_xml: bytes,
    attributes: list[str],
    nameid_format: str = NAMEID_PERSISTENT,
    allow_idp_initiated: bool = False,
    name: str = "",
) -> ServiceProvider:
    unknown = sorted(set(attributes) - set(ATTRIBUTES))
    if unknown:
        raise MetadataError(
            _("Unknown attribute %(names)s; known are %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(ATTRIBUTES)}
        )
    if nameid_format not in NAMEID_FORMATS:
        raise MetadataError(_("Unknown NameID format %(format)s.") % {"format": nameid_format})
    parsed = metadata_parse(metadata_xml)
    if ServiceProvider.objects.filter(entity_id=parsed.entity_id).exists():
        text = _("A service provider with entity ID %(id)s is already registered.")
        raise MetadataError(text % {"id": parsed.entity_id})
    sp = ServiceProvider.objects.create(
        entity_id=parsed.entity_id,
        name=name,
        metadata_xml=metadata_xml.decode("utf-8"),
        attributes=list(dict.fromkeys(attributes)),
        nameid_format=nameid_format,
        allow_idp_initiated=allow_idp_initiated,
        authn_requests_signed=parsed.authn_requests_signed,
    )
    audit_record(event="saml.sp.added", entity_id=sp.entity_id)
    log.info("saml.sp.added", extra=kv(entity_id=sp.entity_id))
    return sp


@transaction.atomic
def service_provider_remove(*, entity_id: str) -> None:
    deleted, _rows = ServiceProvider.objects.filter(entity_id=entity_id).delete()
    if not deleted:
        raise MetadataError(_("No service provider with entity ID %(id)s.") % {"id": entity_id})
    audit_record(event="saml.sp.removed", entity_id=entity_id)
    log.info("saml.sp.removed", extra=kv(entity_id=entity_id))
