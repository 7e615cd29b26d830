from __future__ import annotations

from config.errors import ApplicationError


class SamlRequestError(ApplicationError):
    """A SAML message we refuse: shown on our own error page, never sent anywhere."""

    code = "saml_request"


class MetadataError(ApplicationError):
    """Metadata an operator tried to add that we cannot use."""

    code = "saml_metadata"
