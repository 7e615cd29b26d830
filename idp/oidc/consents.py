"""Consents: the scopes a person allowed a third-party client, and taking them back."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from idp.audit.services import audit_record
from idp.oidc.models import Application, Consent


def consent_covers(*, user: Any, application: Application, scopes: list[str]) -> bool:
    consent = Consent.objects.filter(user=user, application=application).first()
    return consent is not None and set(scopes) <= set(consent.scopes)


def consent_give(*, user: Any, client_id: str, scope: str) -> Consent | None:
    application = Application.objects.filter(client_id=client_id).first()
    if application is None:
        return None
    with transaction.atomic():
        consent, created = Consent.objects.select_for_update().get_or_create(
            user=user, application=application, defaults={"scope": scope}
        )
        if not created and set(scope.split()) <= set(consent.scopes):
            return consent  # already allowed: nothing new to record
        if not created:
            consent.scope = " ".join(sorted(set(consent.scopes) | set(scope.split())))
            consent.save(update_fields=["scope", "updated_at"])
        audit_record(event="oidc.consent.given", user=user, client=client_id, scope=consent.scope)
    return consent


def connected_applications(*, user: Any) -> QuerySet[Consent]:
    return Consent.objects.filter(user=user).select_related("application").order_by("application__name")


def consent_revoke(*, user: Any, consent_id: int) -> bool:
    """Take back a consent and end every token that client holds for the person."""
    with transaction.atomic():
        consent = Consent.objects.filter(user=user, pk=consent_id).select_related("application").first()
        if consent is None:
            return False
        application = consent.application
        now = timezone.now()
        RefreshToken.objects.filter(user=user, application=application, revoked__isnull=True).update(revoked=now)
        AccessToken.objects.filter(user=user, application=application).delete()
        consent.delete()
        audit_record(event="oidc.consent.revoked", user=user, client=application.client_id)
    return True


def tokens_revoke_for_user(*, user: Any) -> int:
    """End every refresh and access token of a person: for deactivation, a new or
    reset password, or "log out everywhere" (the account services call this)."""
    with transaction.atomic():
        revoked = RefreshToken.objects.filter(user=user, revoked__isnull=True).update(revoked=timezone.now())
        AccessToken.objects.filter(user=user).delete()
        audit_record(event="oidc.tokens.revoked", user=user, refresh_tokens=revoked)
    return revoked
