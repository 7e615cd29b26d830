"""SAML 2.0 identity provider (pysaml2). Refined by idp.saml."""

from __future__ import annotations

from config.env import env_bool, env_str
from config.settings.base import SECRET_KEY, SITE_URL

CONNECT_SAML_ENTITY_ID = f"{SITE_URL}/saml/metadata/"
CONNECT_SAML_WANT_AUTHN_REQUESTS_SIGNED = env_bool("CONNECT_SAML_WANT_AUTHN_REQUESTS_SIGNED", False)

# The key of the persistent NameID (an HMAC per person and SP). Changing it
# changes every persistent NameID, so it is kept apart from SECRET_KEY rotation.
CONNECT_SAML_PERSISTENT_ID_SECRET = env_str("CONNECT_SAML_PERSISTENT_ID_SECRET", "") or SECRET_KEY

# Who computes our signatures: "python-xmlsec" (in process, about 1 ms) or
# "xmlsec1" (pysaml2's default: one xmlsec1 process per signature, tens of ms).
# Verification of what SPs send always uses pysaml2 + xmlsec1, either way.
CONNECT_SAML_SIGNING_BACKEND = env_str("CONNECT_SAML_SIGNING_BACKEND", "python-xmlsec")
if CONNECT_SAML_SIGNING_BACKEND not in {"python-xmlsec", "xmlsec1"}:
    from config.env import ConfigError

    raise ConfigError("CONNECT_SAML_SIGNING_BACKEND must be python-xmlsec or xmlsec1")
