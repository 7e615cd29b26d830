"""Connect's audit log of authentication and account events.

Rows are written by ``idp.audit.services.audit_record`` only, in the same
transaction as the change they describe, and mirrored as a structured log line.
Never a password, token or code in ``data``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What a person reads on their account page for each event name.
EVENT_LABELS = {
    "login.succeeded": _("Signed in"),
    "login.failed": _("Failed sign-in attempt"),
    "login.throttled": _("Sign-in blocked after too many attempts"),
    "logout": _("Signed out"),
    "password.reset_requested": _("Password reset asked for"),
    "password.reset_done": _("Password reset"),
    "password.changed": _("Password changed"),
    "password.set": _("Password set"),
    "email.verified": _("Email address verified"),
    "account.created": _("Account created"),
    "account.profile_changed": _("Details changed"),
    "account.deactivated": _("Account deactivated"),
    "account.activated": _("Account activated"),
    "sessions.ended": _("Sessions ended"),
    "session.ended": _("A session was ended"),
    "federation.login": _("Signed in with your company account"),
    "federation.linked": _("Company account linked"),
    "federation.required": _("Sent to your company's sign-in"),
    "federation.refused": _("Company sign-in refused"),
    "bankid.login.succeeded": _("Signed in with BankID"),
    "bankid.login.failed": _("BankID sign-in not completed"),
    "mfa.added": _("Passkey or two-step verification added"),
    "mfa.removed": _("Passkey or two-step verification removed"),
    "oidc.consent.given": _("Access given to an application"),
    "oidc.consent.revoked": _("An application's access removed"),
    "oidc.tokens.revoked": _("An application's sign-in ended"),
    "saml.sso": _("Signed in to an application"),
    "provisioning.linked": _("Connected to your HR account"),
    "provisioning.unlinked": _("Disconnected from your HR account"),
}


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    event = models.CharField(_("event"), max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acting user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # For events with no account (a failed login for an unknown address).
    email = models.CharField(_("email address"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.event}"

    @property
    def label(self) -> str:
        # A person reads words, never an event's code name (a new event without a
        # label yet still reads as something: tests/idp/test_audit.py lists them).
        return str(EVENT_LABELS.get(self.event, _("Account event")))
