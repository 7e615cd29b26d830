"""Provisioning by an administrator after the switch ("Provision selected").

For employees who were away during the preparation: a Connect account with the
address HRM has (not verified yet), linked at once, and a "set your password"
mail. The mail's link (a ``PasswordSetup``: derived token, only its hash stored,
single use, expiring) sets the password and verifies the address, because
using it proves the person reads mail there. The administrator never sees or
sets a password.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
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
from provisioning.models import EmployeeLink, Invitation, PasswordSetup, Phase
from provisioning.services import ProvisioningError, migration_for_update, shared_emails, skip_reason_for

log = logging.getLogger("provisioning.absentees")


class SetupLinkUnusable(ProvisioningError):
    code = "setup_link_unusable"


def _refused(employee: Employee, reason: object) -> ProvisioningError:
    return ProvisioningError(
        _("%(name)s was not provisioned: %(reason)s.") % {"name": employee.full_name, "reason": reason}
    )


def _arm(setup: PasswordSetup) -> None:
    setup.nonce = tokens.new_nonce()
    token = tokens.token_for(employee_id=setup.employee_id, nonce=setup.nonce, salt=tokens.SETUP_SALT)
    setup.token_hash = tokens.token_hash(token)
    setup.expires_at = timezone.now() + timedelta(days=settings.PROVISIONING_SETUP_DAYS)
    setup.queued_at = timezone.now()
    setup.sent_at = None


def _queue(setup_id: int) -> None:
    from provisioning import tasks

    transaction.on_commit(lambda: tasks.send_setup_mail.delay(setup_id))


def _link(*, employee: Employee, account: User, actor: User | None) -> None:
    if EmployeeLink.objects.filter(company=employee.company, account=account).exists():
        raise _refused(employee, _("that Connect account is already linked to another employee of the company"))
    EmployeeLink.objects.create(
        employee=employee, company=employee.company, account=account, linked_by=actor, via="admin"
    )
    hrm_services.employee_set_connect_subject(employee=employee, subject=account.pk)
    # An invitation link still out there dies (and any mail of it not yet sent is superseded).
    Invitation.objects.filter(employee=employee).update(token_hash="", nonce="")
    event_record(company=employee.company, employee=employee, event="link.created", actor=actor,
                 account=str(account.pk), via="admin")  # fmt: skip
    audit_record(event="provisioning.linked", user=account, actor=actor, company=employee.company.slug,
                 employee=employee.pk, via="admin")  # fmt: skip


def employee_provision(*, employee: Employee, actor: User | None) -> str:
    """Create (or reuse), link and mail. Returns ``created``, ``linked_existing`` or ``resent``."""
    with transaction.atomic():
        migration = migration_for_update(company=employee.company)
        if migration.phase != Phase.CONNECT:
            raise ProvisioningError(
                _("Provision employees after the switch to Connect; while preparing, send the invitation instead.")
            )
        employee = Employee.objects.select_for_update().select_related("company").get(pk=employee.pk)
        address = normalize_email(employee.email) if employee.email.strip() else ""
        reason = skip_reason_for(employee, shared=shared_emails(company_id=employee.company_id, emails={address}))
        if reason:
            raise _refused(employee, reason.label)
        link = EmployeeLink.objects.select_related("account").filter(employee=employee).first()
        if link is not None:
            setup = PasswordSetup.objects.select_for_update().filter(employee=employee, used_at__isnull=True).first()
            if setup is None or link.account.has_usable_password():
                raise _refused(employee, _("already linked to Connect"))
            _arm(setup)  # a new link replaces the old one
            setup.save()
            event_record(company=employee.company, employee=employee, event="setup.resent", actor=actor)
            _queue(setup.pk)
            return "resent"
        account = idp_selectors.account_by_verified_email(address)
        if account is not None:
            # One person, one login: they already sign in to Connect with this address.
            _link(employee=employee, account=account, actor=actor)
            return "linked_existing"
        if idp_selectors.account_by_email(address) is not None:
            # Someone opened an account with this address and never verified it:
            # linking it would hand the employee to whoever set its password.
            raise _refused(employee, _("a Connect account with this address exists but was never verified"))
        account = idp_services.account_create(
            email=address, email_verified=False, display_name=employee.full_name,
            given_name=employee.first_name, family_name=employee.last_name, actor=actor,
        )  # fmt: skip
        _link(employee=employee, account=account, actor=actor)
        setup = PasswordSetup(employee=employee, company=employee.company, account=account, email=address,
                              created_by=actor)  # fmt: skip
        _arm(setup)
        setup.save()
        event_record(company=employee.company, employee=employee, event="setup.created", actor=actor)
        _queue(setup.pk)
    log.info("provisioning.provisioned", extra=kv(employee=employee.pk, account=account.pk))
    return "created"


def setup_check(*, setup_id: int, token: str) -> PasswordSetup:
    """For the GET page: changes nothing (mail scanners open links)."""
    setup = PasswordSetup.objects.select_related("account", "employee__company").filter(pk=setup_id).first()
    if setup is None or not tokens.token_matches(token=token, stored_hash=setup.token_hash):
        raise SetupLinkUnusable(_("This link is not valid. It may have been replaced by a newer one, or altered."))
    if setup.used_at is not None:
        raise SetupLinkUnusable(_("This link has already been used. Log in with your email address and password."))
    if setup.expires_at <= timezone.now():
        raise SetupLinkUnusable(_("This link has expired. Ask your administrator for a new one."))
    if setup.account.email != setup.email or not setup.account.is_active:
        raise SetupLinkUnusable(_("This link no longer matches your account. Ask your administrator for a new one."))
    return setup


def setup_complete(*, setup_id: int, token: str, password: str) -> PasswordSetup:
    """Set the password and verify the address; raises ValidationError with the reasons."""
    with transaction.atomic():
        PasswordSetup.objects.select_for_update().filter(pk=setup_id).first()
        setup = setup_check(setup_id=setup_id, token=token)
        account = setup.account
        idp_services.account_set_password(user=account, password=password, actor=account)
        idp_services.account_verify_email(user=account, email=setup.email, actor=account)
        setup.used_at = timezone.now()
        setup.token_hash = ""
        setup.save(update_fields=["used_at", "token_hash"])
        event_record(company=setup.company, employee=setup.employee, event="setup.used", actor=account)
    return setup


def setup_link(setup: PasswordSetup) -> str:
    token = tokens.token_for(employee_id=setup.employee_id, nonce=setup.nonce, salt=tokens.SETUP_SALT)
    return settings.SITE_URL + reverse("provisioning:setup", kwargs={"pk": setup.pk, "token": token})


def setup_mail_send(*, setup_id: int) -> str:
    """Send one setup mail, exactly once (row locked while sending, like the outbox)."""
    with transaction.atomic():
        setup = (
            PasswordSetup.objects.select_for_update()
            .select_related("employee", "company", "account")
            .filter(pk=setup_id)
            .first()
        )
        if setup is None or setup.sent_at is not None or setup.used_at is not None:
            return "nothing-to-do"
        context = {
            "employee": setup.employee,
            "company": setup.company,
            "link": setup_link(setup),
            "expires_at": setup.expires_at,
            "email": setup.email,
            "hrm_login": settings.SITE_URL + reverse("hrm:login", kwargs={"slug": setup.company.slug}),
        }
        with translation.override("sv"):
            subject = render_to_string("provisioning/mail/setup_subject.txt", context).strip()
            text = render_to_string("provisioning/mail/setup.txt", context)
            html = render_to_string("provisioning/mail/setup.html", context)
        message = EmailMultiAlternatives(subject=subject, body=text, to=[setup.email])
        message.attach_alternative(html, "text/html")
        message.send()
        setup.sent_at = timezone.now()
        setup.attempts += 1
        setup.save(update_fields=["sent_at", "attempts"])
        event_record(company=setup.company, employee=setup.employee, event="setup.sent")
    return "sent"


def setup_stale_ids(*, limit: int = 1000) -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=settings.PROVISIONING_OUTBOX_STALE_SECONDS)
    with transaction.atomic():
        ids = list(
            PasswordSetup.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, used_at__isnull=True, queued_at__lt=cutoff)
            .values_list("pk", flat=True)[:limit]
        )
        PasswordSetup.objects.filter(pk__in=ids).update(queued_at=timezone.now())
    return ids
