"""Confirming an invitation: verify the address, find or create the Connect
account, link it to the employee — one transaction, rows locked.

The link is bound to the address the invitation was made for
(``Invitation.email``), never to whoever is logged in and never to an address
that merely looks alike (addresses are compared in their one normal form).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.logs import kv
from hrm import services as hrm_services
from hrm.models import Employee
from idp import selectors as idp_selectors
from idp import services as idp_services
from idp.audit.services import audit_record
from idp.emails import normalize_email
from idp.models import User
from provisioning import tokens
from provisioning.audit import event_record
from provisioning.models import EmployeeLink, Invitation, InvitationStatus, Phase
from provisioning.services import ProvisioningError, _invitation_set, migration_for_update

log = logging.getLogger("provisioning")


class LinkUnusable(ProvisioningError):
    """A used, expired, replaced or altered link. ``invitation_id`` lets the page offer a new one."""

    code = "link_unusable"

    def __init__(self, message: object, *, reason: str, invitation_id: int | None) -> None:
        super().__init__(str(message), code=None)
        self.message = message  # type: ignore[assignment]
        self.reason = reason
        self.invitation_id = invitation_id


@dataclass(frozen=True)
class Confirmed:
    account: User
    employee: Employee
    created: bool
    # Offer "set a Connect password" only to an account without one: an existing
    # password is never replaced by someone holding just this link.
    may_set_password: bool


def _unusable(reason: str, invitation_id: int | None) -> LinkUnusable:
    messages = {
        "used": _("This link has already been used. Your Connect account is linked."),
        "expired": _("This link has expired."),
        "invalid": _("This link is not valid. It may have been replaced by a newer one, or altered."),
        "changed": _("Your email address in HRM has changed since this link was sent."),
    }
    return LinkUnusable(messages[reason], reason=reason, invitation_id=invitation_id)


def invitation_check(*, invitation_id: int, token: str) -> Invitation:
    """Read-only check for the GET page (mail scanners open links: nothing changes)."""
    invitation = Invitation.objects.select_related("employee", "company").filter(pk=invitation_id).first()
    if invitation is None or not tokens.token_matches(token=token, stored_hash=invitation.token_hash):
        raise _unusable("invalid", invitation.pk if invitation else None)
    if invitation.status == InvitationStatus.VERIFIED_LINKED:
        raise _unusable("used", invitation.pk)
    if invitation.status not in (InvitationStatus.SENT, InvitationStatus.PENDING):
        raise _unusable("invalid" if invitation.status != InvitationStatus.EXPIRED else "expired", invitation.pk)
    if invitation.expires_at is None or invitation.expires_at <= timezone.now():
        raise _unusable("expired", invitation.pk)
    if normalize_email(invitation.employee.email) != invitation.email or not invitation.employee.is_active:
        raise _unusable("changed", invitation.pk)
    return invitation


def invitation_confirm(*, invitation_id: int, token: str) -> Confirmed:
    """POST of the verification page. Two at once: the invitation row lock makes the
    second wait, then find the link used — one account, one link."""
    expired = False
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("employee", "company")
            .filter(pk=invitation_id)
            .first()
        )
        try:
            invitation_check(invitation_id=invitation_id, token=token)
        except LinkUnusable as exc:
            if exc.reason == "expired" and invitation is not None and invitation.status == InvitationStatus.SENT:
                _invitation_set(
                    invitation=invitation, to=InvitationStatus.EXPIRED, actor=None, event="invitation.expired"
                )
                expired = True
            else:
                raise
        if not expired:
            if invitation is None:  # invitation_check found it; keeps mypy informed
                raise _unusable("invalid", None)
            return _link(invitation)
    raise _unusable("expired", invitation_id)


def _link(invitation: Invitation) -> Confirmed:
    migration = migration_for_update(company=invitation.company)
    if migration.phase not in (Phase.PREPARING, Phase.CONNECT):
        raise ProvisioningError(_("Your company is not preparing for Connect at the moment."))
    employee = Employee.objects.select_for_update().select_related("company").get(pk=invitation.employee_id)
    if employee.connect_subject is not None or EmployeeLink.objects.filter(employee=employee).exists():
        raise _unusable("used", invitation.pk)
    address = invitation.email  # the address the mail went to, in normal form
    account = idp_selectors.account_by_verified_email(address)
    created = False
    if account is None:
        if idp_selectors.account_by_email(address) is not None:
            # An account someone opened with this address but never verified: taking
            # it over would hand its password holder this employee (pre-hijacking).
            raise ProvisioningError(
                _(
                    "A Connect account with this address exists but was never verified. Please contact your administrator."  # noqa: E501
                )
            )
        try:
            account = idp_services.account_create(
                email=address, email_verified=True, display_name=employee.full_name,
                given_name=employee.first_name, family_name=employee.last_name,
            )  # fmt: skip
            created = True
        except idp_services.EmailTaken:
            # Another company's invitation for the same person created it a moment ago.
            account = idp_selectors.account_by_verified_email(address)
            if account is None:
                raise ProvisioningError(_("Please try again in a moment.")) from None
    if not account.is_active:
        raise ProvisioningError(_("Your Connect account is deactivated. Please contact your administrator."))
    if EmployeeLink.objects.filter(company=employee.company, account=account).exists():
        raise ProvisioningError(_("This Connect account is already linked to another employee of your company."))
    EmployeeLink.objects.create(
        employee=employee, company=employee.company, account=account, linked_by=account, via="invitation"
    )
    hrm_services.employee_set_connect_subject(employee=employee, subject=account.pk)
    invitation.employee = employee
    invitation.verified_at = timezone.now()
    _invitation_set(
        invitation=invitation, to=InvitationStatus.VERIFIED_LINKED, actor=account, event="invitation.verified"
    )
    event_record(
        company=employee.company,
        employee=employee,
        event="link.created",
        actor=account,
        account=str(account.pk),
        created=created,
    )
    audit_record(
        event="provisioning.linked", user=account, actor=account, company=employee.company.slug, employee=employee.pk
    )
    log.info("provisioning.linked", extra=kv(employee=employee.pk, account=account.pk, created=created))
    return Confirmed(
        account=account, employee=employee, created=created, may_set_password=not account.has_usable_password()
    )


def employee_unlink(*, employee: Employee, actor: User | None) -> None:
    """Undo a link (admin): the employee may be invited again."""
    with transaction.atomic():
        Employee.objects.select_for_update().get(pk=employee.pk)
        link = EmployeeLink.objects.select_related("account").filter(employee=employee).first()
        if link is None:
            raise ProvisioningError(_("%(name)s is not linked.") % {"name": employee.full_name})
        account = link.account
        link.delete()
        hrm_services.employee_set_connect_subject(employee=employee, subject=None)
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("employee", "company")
            .filter(employee=employee)
            .first()
        )
        if invitation is not None and invitation.status == InvitationStatus.VERIFIED_LINKED:
            _invitation_set(
                invitation=invitation, to=InvitationStatus.PENDING, actor=actor, event="invitation.reopened"
            )
        event_record(
            company=employee.company, employee=employee, event="link.removed", actor=actor, account=str(account.pk)
        )
        audit_record(
            event="provisioning.unlinked",
            user=account,
            actor=actor,
            company=employee.company.slug,
            employee=employee.pk,
        )


def password_set_after_confirm(*, account: User, password: str) -> None:
    """The optional "set a Connect password" step; raises ValidationError with the reasons."""
    if account.has_usable_password():
        raise ProvisioningError(_("This account already has a password. Use “Forgot your password?” to change it."))
    idp_services.account_set_password(user=account, password=password, actor=account)
