"""An independent SAML service provider for the tests: python3-saml (OneLogin)
in strict mode, configured from Connect's published metadata only.

The "browser" is a requests.Session; the SP never runs a web server: the tests
hand it what the browser would have posted to its ACS URL.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.core.management import call_command
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.authn_request import OneLogin_Saml2_Authn_Request
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.settings import OneLogin_Saml2_Settings
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from tests.support.login import http_login

_KEYS: dict[bool, tuple[str, str]] = {}


def make_key_and_cert(*, expired: bool = False) -> tuple[str, str]:
    if expired in _KEYS:
        return _KEYS[expired]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test sp")])
    now = datetime.now(UTC)
    start, end = (now - timedelta(days=30), now - timedelta(days=1)) if expired else (now, now + timedelta(days=30))
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(key, hashes.SHA256())
    )
    pem_key = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    _KEYS[expired] = (pem_key, cert.public_bytes(serialization.Encoding.PEM).decode())
    return _KEYS[expired]


class TestSP:
    __test__ = False  # not a pytest class

    def __init__(
        self,
        site: str,
        *,
        host: str = "sp.example.test",
        sign_requests: bool = True,
        nameid_format: str = C.NAMEID_PERSISTENT,
    ) -> None:
        self.site = site
        self.host = host
        self.entity_id = f"https://{host}/metadata/"
        self.acs = f"https://{host}/acs/"
        self.sls = f"https://{host}/sls/"
        self.key, self.cert = make_key_and_cert()
        idp_metadata = requests.get(f"{site}/saml/metadata/", timeout=10).text
        idp = OneLogin_Saml2_IdPMetadataParser.parse(idp_metadata)
        idp_post = OneLogin_Saml2_IdPMetadataParser.parse(idp_metadata, required_sso_binding=C.BINDING_HTTP_POST)
        self.sso_post_url = idp_post["idp"]["singleSignOnService"]["url"]
        self.settings: dict[str, Any] = {
            "strict": True,
            "debug": False,
            "sp": {
                "entityId": self.entity_id,
                "assertionConsumerService": {"url": self.acs, "binding": C.BINDING_HTTP_POST},
                "singleLogoutService": {"url": self.sls, "binding": C.BINDING_HTTP_REDIRECT},
                "NameIDFormat": nameid_format,
                "x509cert": self.cert,
                "privateKey": self.key,
            },
            "idp": idp["idp"],
            "security": {
                "authnRequestsSigned": sign_requests,
                "logoutRequestSigned": True,
                "logoutResponseSigned": True,
                "wantMessagesSigned": True,
                "wantAssertionsSigned": True,
                "wantNameId": True,
                "requestedAuthnContext": False,
                "signatureAlgorithm": C.RSA_SHA256,
                "digestAlgorithm": C.SHA256,
                "rejectDeprecatedAlgorithm": True,
            },
        }

    # --- registration ---------------------------------------------------------

    def metadata(self) -> str:
        return OneLogin_Saml2_Settings(self.settings, sp_validation_only=True).get_sp_metadata().decode()

    def register(self, tmp_path: Path, *extra: str) -> None:
        path = tmp_path / f"{self.host}.xml"
        path.write_text(self.metadata())
        attributes = [a for name in ("email", "name", "given_name", "family_name") for a in ("--attribute", name)]
        fmt = self.settings["sp"]["NameIDFormat"]
        call_command("saml_sp", "add", "--metadata", str(path), *attributes, "--nameid-format", fmt, *extra)

    # --- requests ---------------------------------------------------------------

    def _auth(
        self, post_data: dict[str, str] | None = None, get_data: dict[str, str] | None = None, path: str = ""
    ) -> Any:
        request_data = {
            "https": "on",
            "http_host": self.host,
            "script_name": path or urlsplit(self.acs).path,
            "get_data": get_data or {},
            "post_data": post_data or {},
        }
        return OneLogin_Saml2_Auth(request_data, self.settings)

    def login_redirect(
        self, *, relay_state: str = "", force_authn: bool = False, is_passive: bool = False
    ) -> tuple[str, str]:
        """The URL the SP sends the browser to (HTTP-Redirect binding) and the request ID."""
        auth = self._auth()
        url = auth.login(return_to=relay_state or None, force_authn=force_authn, is_passive=is_passive)
        return url, auth.get_last_request_id()

    def login_post(
        self,
        *,
        relay_state: str = "",
        force_authn: bool = False,
        is_passive: bool = False,
        sign: bool = True,
        before_signing: Callable[[str], str] | None = None,
    ) -> tuple[dict[str, str], str]:
        """Form fields for the HTTP-POST binding, signed enveloped with RSA-SHA256."""
        post_settings = {**self.settings, "idp": {**self.settings["idp"]}}
        post_settings["idp"]["singleSignOnService"] = {"url": self.sso_post_url, "binding": C.BINDING_HTTP_POST}
        settings = OneLogin_Saml2_Settings(post_settings, sp_validation_only=True)
        request = OneLogin_Saml2_Authn_Request(settings, force_authn=force_authn, is_passive=is_passive)
        xml = request.get_xml()
        if before_signing is not None:
            xml = before_signing(xml if isinstance(xml, str) else xml.decode())
        if sign:
            xml = OneLogin_Saml2_Utils.add_sign(
                xml, self.key, self.cert, sign_algorithm=C.RSA_SHA256, digest_algorithm=C.SHA256
            )
        fields = {"SAMLRequest": base64.b64encode(xml if isinstance(xml, bytes) else xml.encode()).decode()}
        if relay_state:
            fields["RelayState"] = relay_state
        return fields, request.get_id()

    def accept(self, form: dict[str, str], request_id: str | None) -> Any:
        """What the SP's ACS does with the posted response; returns the OneLogin auth object."""
        auth = self._auth(post_data=form)
        auth.process_response(request_id=request_id)
        return auth

    def logout_redirect(self, signed_in: Any) -> tuple[str, str]:
        """SP-initiated logout for the person of ``signed_in`` (an accepted auth): URL and request ID."""
        auth = self._auth()
        url = auth.logout(
            name_id=signed_in.get_nameid(),
            session_index=signed_in.get_session_index(),
            name_id_format=signed_in.get_nameid_format(),
            spnq=signed_in.get_nameid_spnq(),
        )
        return url, auth.get_last_request_id()

    def at_sls(self, url: str, request_id: str | None = None) -> tuple[Any, str | None]:
        """What the SP's single logout service does with the browser arriving at ``url``."""
        parts = urlsplit(url)
        assert f"https://{parts.netloc}{parts.path}" == self.sls, url
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        auth = self._auth(get_data=query, path=parts.path)
        redirect = auth.process_slo(keep_local_session=True, request_id=request_id)
        return auth, redirect


# --- the browser side ---------------------------------------------------------


def english_browser() -> requests.Session:
    """A browser that prefers English (Connect's default language is Swedish)."""
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    return session


_FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', re.S)
_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def posted_form(response: requests.Response) -> tuple[str, dict[str, str]]:
    """The auto-submitting form on Connect's page: (action, fields)."""
    match = _FORM.search(response.text)
    assert match is not None, (
        f"no SAML form on the page ({response.status_code} {response.url}):\n{response.text[:2000]}"
    )
    return unescape(match.group(1)), {unescape(k): unescape(v) for k, v in _INPUT.findall(match.group(2))}


def response_xml(form: dict[str, str]) -> str:
    return base64.b64decode(form["SAMLResponse"]).decode()


def redirect_request_xml(url: str) -> str:
    value = parse_qs(urlsplit(url).query)["SAMLRequest"][0]
    return zlib.decompress(base64.b64decode(value), -15).decode()


def follow_logout(
    browser: requests.Session, site: str, hop: requests.Response, sps: list[TestSP]
) -> tuple[list[tuple[str, str]], str]:
    """Follow a logout at Connect through the browser, as each SP's SLO service would.

    Every SP reached is handed its LogoutRequest (checked by python3-saml, strict)
    and the browser goes back with the SP's LogoutResponse. Stops at Connect's
    login page or when the browser leaves for a host that is none of ``sps``.
    Returns ((SP host, URL it was reached at) in order, the final location).
    """
    by_host = {sp.host: sp for sp in sps}
    told: list[tuple[str, str]] = []
    for _ in range(10):
        assert hop.status_code == 302, hop.text[:1000]
        location = urljoin(site, hop.headers["Location"])
        if location.startswith(site):  # still at Connect: follow
            if "/accounts/login/" in location:
                return told, location
            hop = browser.get(location, allow_redirects=False)
            continue
        sp = by_host.get(urlsplit(location).netloc)
        if sp is None:
            return told, location
        auth, back = sp.at_sls(location)
        assert auth.get_errors() == [], auth.get_last_error_reason()
        assert back, f"{sp.host} answers with a LogoutResponse"
        told.append((sp.host, location))
        hop = browser.get(back, allow_redirects=False)
    raise AssertionError("the logout did not end within 10 hops")


def sign_in_through(
    session: requests.Session, site: str, first: requests.Response, email: str, password: str
) -> requests.Response:
    """The SP sent the browser to Connect, which showed the login page: sign in there."""
    next_url = parse_qs(urlsplit(first.url).query)["next"][0]
    return http_login(session, site, email, password, next_url=next_url)
