"""SAML 2.0: registered service providers, the IdP's signing keys, and which
SPs took part in which Connect session (for single logout)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
NAMEID_PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
NAMEID_TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
NAMEID_FORMATS = (NAMEID_EMAIL, NAMEID_PERSISTENT, NAMEID_TRANSIENT)


class ServiceProvider(models.Model):
    """One SAML service provider, known only from the metadata an operator added."""

    entity_id = models.CharField(_("entity ID"), max_length=1024, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    metadata_xml = models.TextField(_("metadata"))
    # Names from idp.saml.attributes.ATTRIBUTES the SP receives.
    attributes = models.JSONField(_("released attributes"), default=list, blank=True)
    nameid_format = models.CharField(
        _("NameID format"), max_length=200, default=NAMEID_PERSISTENT, choices=[(f, f) for f in NAMEID_FORMATS]
    )
    allow_idp_initiated = models.BooleanField(_("allow IdP-initiated sign-on"), default=False)
    # From the metadata's AuthnRequestsSigned, or forced by the IdP-wide setting.
    authn_requests_signed = models.BooleanField(_("requests must be signed"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SAML service provider")
        verbose_name_plural = _("SAML service providers")
        ordering = ["entity_id"]

    def __str__(self) -> str:
        return self.name or self.entity_id


class SigningKey(models.Model):
    """The IdP's RSA key and self-signed certificate. ``next`` is published in
    metadata before it signs anything; ``retired`` is kept for the record."""

    class State(models.TextChoices):
        NEXT = "next", _("next (published, not yet signing)")
        CURRENT = "current", _("current (signing)")
        RETIRED = "retired", _("retired")

    kid = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=10, choices=State.choices)
    private_key_pem = models.TextField()
    certificate_pem = models.TextField()
    not_after = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SAML signing key")
        verbose_name_plural = _("SAML signing keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kid} ({self.state})"


class SamlSession(models.Model):
    """An SP that a Connect session signed into: single logout tells it."""

    session_key = models.CharField(max_length=64, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    service_provider = models.ForeignKey(ServiceProvider, on_delete=models.CASCADE, related_name="sessions")
    name_id = models.CharField(max_length=512)
    name_id_format = models.CharField(max_length=200)
    session_index = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session_key", "service_provider"], name="saml_session_once_per_sp")
        ]

    def __str__(self) -> str:
        return f"{self.service_provider_id}:{self.session_index}"
