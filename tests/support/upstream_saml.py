"""A company's own SAML 2.0 identity provider, for the company-SSO tests.

pysaml2's ``Server`` (the IdP side; Connect's allauth SP uses python3-saml, an
independent implementation) behind a wsgiref server in a thread. SSO on the
HTTP-Redirect binding (SAML Bindings §3.4); the answer is a signed Response with
a signed Assertion, RSA-SHA256, posted back by the HTTP-POST binding (§3.5) —
the auto-submitting form a real IdP returns. ``identity`` holds the attributes
of the person signed in upstream (set by the test).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
SIGN_ALG = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
DIGEST_ALG = "http://www.w3.org/2001/04/xmlenc#sha256"
PASSWORD_PROTECTED = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _key_and_cert(folder: Path) -> tuple[Path, Path, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Example Corp SAML IdP")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / "idp.key", folder / "idp.crt"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    cert_path.write_text(pem)
    body = "".join(line for line in pem.splitlines() if "CERTIFICATE" not in line)
    return key_path, cert_path, body


class UpstreamSamlIdP:
    def __init__(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="upstream-saml-"))
        self.key_path, self.cert_path, self.certificate = _key_and_cert(self._folder)
        self.sp_metadata: list[str] = []
        self.identity: dict[str, list[str]] = {}
        self.name_id = ""
        self.base = ""
        self._server: WSGIServer | None = None
        self._idp: Any = None

    def start(self) -> UpstreamSamlIdP:
        self._server = make_server("127.0.0.1", 0, self._app, handler_class=_QuietHandler)
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        shutil.rmtree(self._folder, ignore_errors=True)

    @property
    def entity_id(self) -> str:
        return f"{self.base}/metadata"

    @property
    def sso_url(self) -> str:
        return f"{self.base}/sso"

    def _server_for_request(self) -> Any:
        from saml2.config import IdPConfig
        from saml2.server import Server

        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": shutil.which("xmlsec1") or "/usr/bin/xmlsec1",
                "key_file": str(self.key_path),
                "cert_file": str(self.cert_path),
                "metadata": {"inline": self.sp_metadata},
                "accepted_time_diff": 60,
                "service": {
                    "idp": {
                        "endpoints": {"single_sign_on_service": [(self.sso_url, REDIRECT)]},
                        "name_id_format": [EMAIL_FORMAT],
                        "want_authn_requests_signed": False,
                        "sign_response": True,
                        "sign_assertion": True,
                        "signing_algorithm": SIGN_ALG,
                        "digest_algorithm": DIGEST_ALG,
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": 5},
                                "name_form": "urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
                                "attribute_restrictions": None,
                            }
                        },
                    }
                },
            }
        )
        return Server(config=config)

    def _app(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        from saml2.saml import NameID

        if environ["PATH_INFO"] != "/sso":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        server = self._server_for_request()
        request = server.parse_authn_request(query["SAMLRequest"], REDIRECT)
        message = request.message
        acs = message.assertion_consumer_service_url
        response = server.create_authn_response(
            identity=self.identity,
            in_response_to=message.id,
            destination=acs,
            sp_entity_id=message.issuer.text,
            name_id=NameID(format=EMAIL_FORMAT, text=self.name_id),
            authn={"class_ref": PASSWORD_PROTECTED, "authn_instant": int(time.time())},
            sign_response=True,
            sign_assertion=True,
            sign_alg=SIGN_ALG,
            digest_alg=DIGEST_ALG,
        )
        http_args = server.apply_binding(POST, str(response), acs, query.get("RelayState", ""), response=True)
        body = http_args["data"] if isinstance(http_args["data"], str) else "".join(http_args["data"])
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body.encode()]


_INPUT = re.compile(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', re.S)
_ACTION = re.compile(r'<form[^>]*action="([^"]+)"', re.S)


def auto_post_form(page: str) -> tuple[str, dict[str, str]]:
    """The action and fields of the IdP's auto-submitting form (what a browser posts)."""
    action = _ACTION.search(page)
    assert action, page[:500]
    return html.unescape(action.group(1)), {k: html.unescape(v) for k, v in _INPUT.findall(page)}
