"""A company's own identity provider ("company SSO") and the email domains it owns.

The upstream itself is an allauth ``SocialApp`` (provider ``openid_connect`` or
``saml``): allauth speaks the protocol, this model says whom it may vouch for.
``organization_key`` is opaque to Connect: the app that knows companies
(provisioning) maps it to one, so ``idp`` never imports HRM.
"""

from __future__ import annotations

import re
import unicodedata

from allauth.socialaccount.models import SocialApp
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# RFC 1035 §2.3.1 labels (letters, digits, hyphens; 1 to 63 characters), at least two labels.
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")


def normalize_domain(value: str) -> str:
    """Lower case, IDNA (punycode) for non-ASCII, no trailing dot: the form an address's
    domain takes after ``idp.emails.normalize_email``."""
    value = unicodedata.normalize("NFKC", value or "").strip().rstrip(".").lower()
    try:
        return value.encode("idna").decode("ascii")
    except UnicodeError:
        return value


def email_domain(email: str) -> str:
    return normalize_domain(email.rpartition("@")[2])


def validate_domain(value: str) -> None:
    if value != normalize_domain(value) or not _DOMAIN.match(value):
        raise ValidationError(_("Enter a domain name in lower case, such as example.com."), code="invalid_domain")


class IdentityProvider(models.Model):
    name = models.CharField(_("name"), max_length=200)
    organization_key = models.SlugField(
        _("organisation key"),
        max_length=100,
        unique=True,
        help_text=_("The company this provider belongs to, as the provisioning app names it (the HRM company's slug)."),
    )
    social_app = models.OneToOneField(
        SocialApp,
        on_delete=models.PROTECT,
        related_name="connect_federation",
        verbose_name=_("upstream application"),
        help_text=_("The OpenID Connect or SAML application (client ID, secret, server URL) in Social applications."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("company identity provider")
        verbose_name_plural = _("company identity providers")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def owns(self, email: str) -> bool:
        return self.domains.filter(domain=email_domain(email)).exists()


class FederatedDomain(models.Model):
    identity_provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="domains", verbose_name=_("identity provider")
    )
    # Unique across providers: one domain is vouched for by one company only.
    domain = models.CharField(_("domain"), max_length=253, unique=True, validators=[validate_domain])

    class Meta:
        verbose_name = _("email domain")
        verbose_name_plural = _("email domains")
        ordering = ("domain",)
        constraints = [
            models.CheckConstraint(condition=models.Q(domain=Lower("domain")), name="federated_domain_lower_case"),
        ]

    def __str__(self) -> str:
        return self.domain
