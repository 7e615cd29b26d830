"""The operator command and the metadata checks behind it; metadata and key rotation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from lxml import etree

from idp.saml.models import ServiceProvider, SigningKey
from tests.idp.saml.onelogin_sp import make_key_and_cert

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are asserted in English; Connect's default language is Swedish."""
    with translation.override("en"):
        yield


MD = "urn:oasis:names:tc:SAML:2.0:metadata"


def sp_metadata(*, acs: bool = True, cert: str | None = None, entity_id: str = "https://app.example.test/sp") -> str:
    body = cert if cert is not None else make_key_and_cert()[1]
    der = "".join(line for line in body.splitlines() if "-----" not in line)
    acs_element = (
        '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
        'Location="https://app.example.test/acs" index="1"/>'
        if acs
        else ""
    )
    return (
        f'<md:EntityDescriptor xmlns:md="{MD}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity_id}">'
        '<md:SPSSODescriptor AuthnRequestsSigned="true" '
        'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        f'<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{der}'
        "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        f"{acs_element}</md:SPSSODescriptor></md:EntityDescriptor>"
    )


def add(tmp_path: Path, xml: str, *extra: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    path = tmp_path / "sp.xml"
    path.write_text(xml)
    call_command("saml_sp", "add", "--metadata", str(path), *extra)
    return json.loads(capsys.readouterr().out)


def test_add_list_remove(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = add(
        tmp_path,
        sp_metadata(),
        "--attribute",
        "email",
        "--nameid-format",
        "email",
        "--allow-idp-initiated",
        capsys=capsys,
    )
    assert out["entity_id"] == "https://app.example.test/sp"
    assert out["nameid_format"] == "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    assert out["authn_requests_signed"] is True and out["allow_idp_initiated"] is True
    call_command("saml_sp", "list")
    assert [row["entity_id"] for row in json.loads(capsys.readouterr().out)] == ["https://app.example.test/sp"]
    call_command("saml_sp", "remove", "https://app.example.test/sp")
    assert not ServiceProvider.objects.exists()


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<md:EntityDescriptor", "not usable XML"),
        ('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "document type"),
        (sp_metadata(acs=False), "no AssertionConsumerService"),
        (sp_metadata(cert=make_key_and_cert(expired=True)[1]), "expired on"),
    ],
    ids=["malformed", "entities", "no-acs", "expired-cert"],
)
def test_bad_metadata_is_refused_with_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], xml: str, message: str
) -> None:
    path = tmp_path / "sp.xml"
    path.write_text(xml)
    with pytest.raises(CommandError) as error:
        call_command("saml_sp", "add", "--metadata", str(path))
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert not ServiceProvider.objects.exists()


def test_operator_messages_in_swedish_by_default(tmp_path: Path) -> None:
    path = tmp_path / "sp.xml"
    path.write_text(sp_metadata(acs=False))
    with translation.override("sv"), pytest.raises(CommandError, match="Metadatan saknar AssertionConsumerService"):
        call_command("saml_sp", "add", "--metadata", str(path))


def test_unknown_attribute_and_duplicate_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add(tmp_path, sp_metadata(), capsys=capsys)
    with pytest.raises(CommandError, match="already registered"):
        add(tmp_path, sp_metadata(), capsys=capsys)
    with pytest.raises(CommandError, match="invalid choice"):
        add(tmp_path, sp_metadata(entity_id="https://other.example.test/"), "--attribute", "password", capsys=capsys)
    assert ServiceProvider.objects.count() == 1


def _metadata_certs(client: Client) -> tuple[etree._Element, list[str]]:
    response = client.get("/saml/metadata/")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    ns = {"md": MD, "ds": "http://www.w3.org/2000/09/xmldsig#"}
    return root, [e.text for e in root.findall(".//md:KeyDescriptor//ds:X509Certificate", ns)]


def test_metadata_publishes_next_key_and_rotation_uses_it(settings: object, capsys: pytest.CaptureFixture[str]) -> None:
    client = Client()
    root, certs = _metadata_certs(client)
    assert len(certs) == 2  # current and next
    algorithms = [e.get("Algorithm") for e in root.iter() if e.get("Algorithm")]
    assert algorithms == [
        "http://www.w3.org/2001/04/xmlenc#sha256",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    ]
    idp = root.find(f"{{{MD}}}IDPSSODescriptor")
    assert idp.get("WantAuthnRequestsSigned") == "false"
    bindings = {(e.tag.split("}")[1], e.get("Binding").rsplit(":", 1)[1]) for e in idp if e.get("Binding")}
    assert bindings == {
        ("SingleSignOnService", "HTTP-Redirect"),
        ("SingleSignOnService", "HTTP-POST"),
        ("SingleLogoutService", "HTTP-Redirect"),
        ("SingleLogoutService", "HTTP-POST"),
    }
    next_key = SigningKey.objects.get(state=SigningKey.State.NEXT)
    call_command("saml_keys", "rotate")
    assert json.loads(capsys.readouterr().out)["current"] == next_key.kid
    _root, rotated = _metadata_certs(client)
    assert rotated[0] == certs[1]  # the published next key now signs, listed first
    assert certs[0] not in rotated and len(rotated) == 2


def test_signing_keys_never_shown_in_admin(admin_client: Client) -> None:
    Client().get("/saml/metadata/")  # creates the keys
    key = SigningKey.objects.first()
    assert key is not None
    page = admin_client.get(f"/admin/idp_saml/signingkey/{key.pk}/change/")
    assert page.status_code == 200
    assert key.kid in page.content.decode()
    secret_line = key.private_key_pem.splitlines()[1]
    assert secret_line not in page.content.decode()
    assert "PRIVATE KEY" not in admin_client.get("/admin/idp_saml/signingkey/").content.decode()
