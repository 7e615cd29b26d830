"""SAML 2.0 identity provider (pysaml2). Refined by idp.saml."""

from __future__ import annotations

from config.env import env_bool
from config.settings.base import SITE_URL

CONNECT_SAML_ENTITY_ID = f"{SITE_URL}/saml/metadata/"
CONNECT_SAML_WANT_AUTHN_REQUESTS_SIGNED = env_bool("CONNECT_SAML_WANT_AUTHN_REQUESTS_SIGNED", False)
