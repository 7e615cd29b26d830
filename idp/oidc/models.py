"""Connect's OpenID Connect data: clients, signing keys, consents and how a person authenticated.

``Application`` replaces django-oauth-toolkit's (OAUTH2_PROVIDER_APPLICATION_MODEL)
so that ID tokens are signed with the database-held key that is active right now
instead of one key fixed in the settings, and so that a client can be disabled.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AbstractApplication

# The toolkit's grant constants → OAuth grant_type names.
GRANT_NAMES = {
    AbstractApplication.GRANT_AUTHORIZATION_CODE: "authorization_code",
    AbstractApplication.GRANT_CLIENT_CREDENTIALS: "client_credentials",
}


class Application(AbstractApplication):
    user: models.ForeignKey[Any, Any] = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    is_active: models.BooleanField[bool, bool] = models.BooleanField(_("active"), default=True)
    # The most a client may ask for (RFC 6749 §3.3); empty means every scope
    # the provider knows.
    allowed_scopes: models.CharField[str, str] = models.CharField(_("allowed scopes"), max_length=255, blank=True)
    # OAuth grant_type names (RFC 6749 §4) this client may use, space separated;
    # the toolkit's single ``authorization_grant_type`` is kept as the main one.
    grant_types: models.CharField[str, str] = models.CharField(_("grant types"), max_length=255, blank=True)

    class Meta(AbstractApplication.Meta):
        swappable = "OAUTH2_PROVIDER_APPLICATION_MODEL"
        verbose_name = _("client")
        verbose_name_plural = _("clients")

    def scopes_allowed(self) -> set[str] | None:
        return set(self.allowed_scopes.split()) if self.allowed_scopes.strip() else None

    def allows_grant_type(self, *grant_types: str) -> bool:
        if not self.grant_types.strip():
            return bool(super().allows_grant_type(*grant_types))
        mine = set(self.grant_types.split())
        return any(GRANT_NAMES.get(grant) in mine for grant in grant_types)

    @property
    def is_trusted(self) -> bool:
        """A first-party client: no consent page (``skip_authorization``)."""
        return bool(self.skip_authorization)

    def is_usable(self, request: Any) -> bool:
        # A disabled client can neither authenticate nor start an authorization.
        return bool(self.is_active)

    @property
    def jwk_key(self) -> Any:
        if self.algorithm == AbstractApplication.RS256_ALGORITHM:  # type: ignore[has-type]
            from idp.oidc.keys import signing_key_active

            return signing_key_active().jwk
        return super().jwk_key

    def clean(self) -> None:
        # The RS256 key lives in the database (idp.oidc.keys), not in
        # OIDC_RSA_PRIVATE_KEY, so skip the toolkit's check for that setting.
        algorithm = self.algorithm  # type: ignore[has-type]
        if algorithm == AbstractApplication.RS256_ALGORITHM:
            self.algorithm = AbstractApplication.NO_ALGORITHM
        try:
            super().clean()
        finally:
            self.algorithm = algorithm


class SigningKey(models.Model):
    """An RSA key for ID tokens. ``next`` is published in the JWKS but signs
    nothing yet; ``active`` signs; ``retired`` stays published until the tokens it
    signed have expired. The private key is never shown (admin, logs)."""

    class State(models.TextChoices):
        NEXT = "next", _("next")
        ACTIVE = "active", _("active")
        RETIRED = "retired", _("retired")

    kid = models.CharField(_("key id"), max_length=64, unique=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices)
    private_pem = models.TextField(editable=False)
    public_jwk = models.JSONField(editable=False)
    created_at = models.DateTimeField(_("created"))
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        constraints = [
            # At most one key signs and at most one waits to sign, whatever
            # number of processes race to create them.
            models.UniqueConstraint(fields=["state"], condition=models.Q(state="active"), name="oidc_one_active_key"),
            models.UniqueConstraint(fields=["state"], condition=models.Q(state="next"), name="oidc_one_next_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kid} ({self.state})"

    def __repr__(self) -> str:  # never the private key
        return f"<SigningKey {self.kid} {self.state}>"


class AuthContext(models.Model):
    """How the person authenticated when a code was issued (OIDC Core §2:
    auth_time, amr, acr). Found by the grant at code redemption, then by the
    refresh-token family, so refreshed ID tokens keep the original values."""

    grant = models.OneToOneField("oauth2_provider.Grant", on_delete=models.SET_NULL, null=True, related_name="+")
    token_family = models.UUIDField(null=True, unique=True)
    # SHA-256 of the code, kept after redemption to spot a second one (RFC 6749 §4.1.2).
    code_hash = models.CharField(max_length=64, blank=True, db_index=True)
    auth_time = models.DateTimeField()
    amr = models.JSONField(default=list)
    acr = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"authentication at {self.auth_time.isoformat()}"


class Consent(models.Model):
    """Scopes a person allowed a third-party client (the "connected applications")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_consents")
    application = models.ForeignKey(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    scope = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "application"], name="oidc_consent_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.application_id}: {self.scope}"

    @property
    def scopes(self) -> list[str]:
        return self.scope.split()
