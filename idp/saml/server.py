"""The pysaml2 ``Server`` for the current settings, signing key and SP registry.

Built from the database and cached per process until one of them changes.
Signing and digest algorithms are set INSIDE ``service.idp``: at the top
level pysaml2 silently ignores them and signs with SHA-1.
"""

from __future__ import annotations

import shutil
import threading
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Max

from idp.saml import signing
from idp.saml.keys import key_files, signing_key_current
from idp.saml.models import NAMEID_FORMATS, ServiceProvider

if TYPE_CHECKING:
    from saml2.server import Server

# pysaml2 is imported only when SAML is used: importing it logs and warns, which
# would break the one-line error output of every management command.
BINDING_HTTP_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
BINDING_HTTP_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
NAME_FORMAT_URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
SIGN_ALG = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
DIGEST_ALG = "http://www.w3.org/2001/04/xmlenc#sha256"
# Profiles §4.1.4.2: assertions are short lived; Connect says at most 5 minutes.
ASSERTION_LIFETIME_MINUTES = 5

_lock = threading.Lock()
_cache: dict[tuple[Any, ...], Server] = {}


def endpoint(name: str) -> str:
    """Our endpoint URLs, from the configured entity (never the request's Host)."""
    base = settings.SITE_URL.rstrip("/")
    return {
        "sso_redirect": f"{base}/saml/sso/redirect/",
        "sso_post": f"{base}/saml/sso/post/",
        "slo_redirect": f"{base}/saml/slo/redirect/",
        "slo_post": f"{base}/saml/slo/post/",
    }[name]


def _config(key_path: str, cert_path: str, metadata: list[str]) -> dict[str, Any]:
    return {
        "entityid": settings.CONNECT_SAML_ENTITY_ID,
        "xmlsec_binary": shutil.which("xmlsec1") or "/usr/bin/xmlsec1",
        "key_file": key_path,
        "cert_file": cert_path,
        "metadata": {"inline": metadata},
        # pysaml2 accepts ±1 day by default; we check IssueInstant ourselves too.
        "accepted_time_diff": 60,
        "service": {
            "idp": {
                "name": "Connect",
                "endpoints": {
                    "single_sign_on_service": [
                        (endpoint("sso_redirect"), BINDING_HTTP_REDIRECT),
                        (endpoint("sso_post"), BINDING_HTTP_POST),
                    ],
                    "single_logout_service": [
                        (endpoint("slo_redirect"), BINDING_HTTP_REDIRECT),
                        (endpoint("slo_post"), BINDING_HTTP_POST),
                    ],
                },
                "name_id_format": list(NAMEID_FORMATS),
                # Per-SP requirement is enforced in idp.saml.checks; pysaml2 verifies
                # every XML signature that is present either way.
                "want_authn_requests_signed": False,
                "sign_response": True,
                "sign_assertion": True,
                "signing_algorithm": SIGN_ALG,
                "digest_algorithm": DIGEST_ALG,
                "policy": {
                    "default": {
                        "lifetime": {"minutes": ASSERTION_LIFETIME_MINUTES},
                        "name_form": NAME_FORMAT_URI,
                        "attribute_restrictions": None,
                        "entity_categories": [],
                    }
                },
            }
        },
    }


def idp_server() -> Server:
    from saml2.config import IdPConfig
    from saml2.server import Server

    key = signing_key_current()
    state = ServiceProvider.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    cache_key = (
        settings.CONNECT_SAML_SIGNING_BACKEND,
        settings.CONNECT_SAML_ENTITY_ID,
        settings.SITE_URL,
        key.kid,
        state["n"],
        state["changed"],
    )
    with _lock:
        server = _cache.get(cache_key)
        if server is None:
            key_path, cert_path = key_files(key)
            metadata = list(ServiceProvider.objects.values_list("metadata_xml", flat=True))
            config = IdPConfig()
            config.load(_config(key_path, cert_path, metadata))
            server = Server(config=config)
            signing.install(server, settings.CONNECT_SAML_SIGNING_BACKEND)
            _cache.clear()
            _cache[cache_key] = server
    return server
