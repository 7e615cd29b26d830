"""Everything that arrives as SAML XML passes here before pysaml2 or xmlsec1 sees it.

- No DOCTYPE, no entities, no network: defusedxml first, then lxml with
  resolve_entities/no_network/load_dtd off (XML signature wrapping and XXE).
- Signatures only in the plain shape SAML uses (Core §5.4): one Signature, a
  child of the root, one Reference to the root's ID, transforms only
  enveloped-signature and exclusive c14n, RSA-SHA2 and SHA-2 digests. Stacked
  or XSLT/XPath transforms are refused (pysaml2 issue 1035, python3-saml 447).
"""

from __future__ import annotations

import base64
import binascii
import zlib

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException
from django.utils.translation import gettext_lazy as _
from lxml import etree  # type: ignore[import-untyped]

from idp.saml.errors import SamlRequestError

MAX_MESSAGE_BYTES = 64 * 1024

NS = {
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
}

ALLOWED_TRANSFORMS = {
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
}
ALLOWED_C14N = {
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
}
# SHA-1 and MD5 are refused on the way in as well as on the way out.
ALLOWED_SIGNATURE_METHODS = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
}
ALLOWED_DIGESTS = {
    "http://www.w3.org/2001/04/xmlenc#sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512",
}


def decode_message(value: str, *, deflated: bool) -> bytes:
    """Bindings §3.4.4.1 (HTTP-Redirect: DEFLATE, then base64) and §3.5.4 (HTTP-POST: base64)."""
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=False)
        if deflated:
            inflater = zlib.decompressobj(-15)
            raw = inflater.decompress(raw, MAX_MESSAGE_BYTES + 1)
    except (binascii.Error, zlib.error, UnicodeEncodeError, ValueError):
        raise SamlRequestError(_("The SAML message is not correctly encoded."), code="encoding") from None
    if len(raw) > MAX_MESSAGE_BYTES or not raw:
        raise SamlRequestError(_("The SAML message is empty or too large."), code="size")
    return raw


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)


def parse_xml(raw: bytes) -> etree._Element:
    """Parse untrusted XML; a DOCTYPE or an entity anywhere refuses the message."""
    try:
        DefusedET.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise SamlRequestError(
            _("The SAML message contains a document type or entities, which are not allowed."), code="dtd"
        ) from None
    except Exception:  # expat's ParseError and friends: malformed is malformed
        raise SamlRequestError(_("The SAML message is not well-formed XML."), code="malformed") from None
    try:
        root = etree.fromstring(raw, parser=_PARSER)
    except etree.XMLSyntaxError:
        raise SamlRequestError(_("The SAML message is not well-formed XML."), code="malformed") from None
    if root.getroottree().docinfo.doctype:
        raise SamlRequestError(_("The SAML message contains a document type, which is not allowed."), code="dtd")
    return root


def check_signature_shape(root: etree._Element) -> bool:
    """Core §5.4.1-5.4.4: a SAML signature is enveloped, covers the whole
    element by its ID, and uses exclusive c14n. Returns whether the root is signed."""
    signatures = root.findall(".//ds:Signature", NS)
    if not signatures:
        return False
    refuse = SamlRequestError(_("The signature of the SAML message is not acceptable."), code="signature")
    if len(signatures) != 1 or signatures[0].getparent() is not root:
        raise refuse
    signature = signatures[0]
    references = signature.findall("ds:SignedInfo/ds:Reference", NS)
    root_id = root.get("ID")
    if len(references) != 1 or not root_id or references[0].get("URI") != f"#{root_id}":
        raise refuse
    transforms = references[0].findall("ds:Transforms/ds:Transform", NS)
    if len(transforms) > 2 or any(t.get("Algorithm") not in ALLOWED_TRANSFORMS for t in transforms):
        raise refuse
    if any(len(t) for t in transforms):  # no XPath/XSLT children, no InclusiveNamespaces tricks beyond prefixes
        for t in transforms:
            for child in t:
                if etree.QName(child).localname != "InclusiveNamespaces":
                    raise refuse
    c14n = signature.find("ds:SignedInfo/ds:CanonicalizationMethod", NS)
    method = signature.find("ds:SignedInfo/ds:SignatureMethod", NS)
    digest = references[0].find("ds:DigestMethod", NS)
    if c14n is None or c14n.get("Algorithm") not in ALLOWED_C14N:
        raise refuse
    if method is None or method.get("Algorithm") not in ALLOWED_SIGNATURE_METHODS:
        raise refuse
    if digest is None or digest.get("Algorithm") not in ALLOWED_DIGESTS:
        raise refuse
    return True
