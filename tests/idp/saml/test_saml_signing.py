"""In-process signing (python-xmlsec) produces what the xmlsec1 program verifies,
and nothing else does: the faster backend is not a weaker one."""

from __future__ import annotations

import base64
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from idp.saml.checks import AuthnRequestInfo
from idp.saml.keys import signing_key_current
from idp.saml.registry import service_provider_add
from idp.saml.sso import sso_respond
from tests.factories import UserFactory
from tests.idp.saml.test_saml_registry import sp_metadata

pytestmark = pytest.mark.django_db

NS = {"samlp": "urn:oasis:names:tc:SAML:2.0:protocol", "saml": "urn:oasis:names:tc:SAML:2.0:assertion"}
RESPONSE = "urn:oasis:names:tc:SAML:2.0:protocol:Response"
ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"


def _signed_response(backend: str, settings: pytest.FixtureRequest) -> str:
    settings.CONNECT_SAML_SIGNING_BACKEND = backend  # type: ignore[attr-defined]
    service_provider_add(metadata_xml=sp_metadata().encode(), attributes=["email", "given_name"])
    info = AuthnRequestInfo(
        "_req1", "https://app.example.test/sp", "https://app.example.test/acs", False, False, None, "", "redirect"
    )
    user = UserFactory(given_name="Grace")
    form = sso_respond(user=user, info=info, session_key="s", methods=[], authn_instant=datetime.now(UTC))
    return base64.b64decode(form.message).decode()


def xmlsec1_verifies(xml: str, node: str, node_id: str, tmp_path: Path) -> bool:
    """The independent check: the xmlsec1 program, pinned to our certificate."""
    doc, cert = tmp_path / "signed.xml", tmp_path / "idp.crt"
    doc.write_text(xml)
    cert.write_text(signing_key_current().certificate_pem)
    command = [
        "xmlsec1",
        "--verify",
        "--pubkey-cert-pem",
        str(cert),
        "--id-attr:ID",
        node,
        "--node-id",
        node_id,
        str(doc),
    ]
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


@pytest.mark.parametrize("backend", ["python-xmlsec", "xmlsec1"])
def test_both_backends_sign_what_xmlsec1_verifies(
    backend: str, settings: pytest.FixtureRequest, tmp_path: Path
) -> None:
    xml = _signed_response(backend, settings)
    root = etree.fromstring(xml.encode())
    assertion = root.find("saml:Assertion", NS)
    assert xmlsec1_verifies(xml, RESPONSE, root.get("ID"), tmp_path)
    assert xmlsec1_verifies(xml, ASSERTION, assertion.get("ID"), tmp_path)
    algorithms = {e.get("Algorithm") for e in root.iter() if e.get("Algorithm")}
    assert "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" in algorithms
    assert "http://www.w3.org/2001/04/xmlenc#sha256" in algorithms
    assert not {a for a in algorithms if "sha1" in a}


def test_in_process_signature_breaks_when_the_assertion_is_changed(
    settings: pytest.FixtureRequest, tmp_path: Path
) -> None:
    xml = _signed_response("python-xmlsec", settings)
    root = etree.fromstring(xml.encode())
    assertion_id = root.find("saml:Assertion", NS).get("ID")
    assert "Grace" in xml
    tampered = xml.replace("Grace", "Mallory")
    assert not xmlsec1_verifies(tampered, ASSERTION, assertion_id, tmp_path)
    assert not xmlsec1_verifies(tampered, RESPONSE, root.get("ID"), tmp_path)
