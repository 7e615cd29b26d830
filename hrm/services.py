"""Writes to HRM data. Keyword-only, typed, and free of requests."""

from __future__ import annotations

import logging
import uuid

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from config.errors import ApplicationError
from config.logs import kv
from hrm import personal_numbers
from hrm.models import Company, Employee, HrmSession, LoginMethod
from hrm.selectors import company_login_method

log = logging.getLogger("hrm")

# Verified against when the username is unknown, so that a wrong username and a
# wrong password take the same time.
_DUMMY_HASH = make_password("not-a-real-password-for-timing-only")


class LegacyLoginFailed(ApplicationError):
    code = "legacy_login_failed"


class LegacyLoginRetired(ApplicationError):
    code = "legacy_login_retired"


def legacy_login(*, company: Company, username: str, password: str) -> Employee:
    """HRM's own username/password check, as it was before Connect."""
    if company_login_method(company) != LoginMethod.LEGACY:
        log.info("hrm.legacy_login.retired", extra=kv(company=company.slug))
        raise LegacyLoginRetired(_("This company now signs in with Connect."))
    employee = Employee.objects.filter(company=company, legacy_username=username.strip()).first()
    stored = employee.legacy_password_hash if employee is not None else _DUMMY_HASH
    password_ok = bool(stored) and check_password(password, stored)
    if employee is None or not password_ok or not employee.is_active:
        log.info("hrm.legacy_login.failed", extra=kv(company=company.slug))
        raise LegacyLoginFailed(_("Wrong username or password."))
    log.info("hrm.legacy_login.succeeded", extra=kv(company=company.slug, employee=employee.pk))
    return employee


def company_set_login_method(*, company: Company, method: LoginMethod) -> Company:
    """Switch which login HRM shows for ``company``. Idempotent."""
    Company.objects.filter(pk=company.pk).update(login_method=method)
    company.login_method = method
    log.info("hrm.company.login_method", extra=kv(company=company.slug, method=method.value))
    return company


# Django treats a hash that starts with "!" as unusable (check_password is False).
# A retired hash keeps the old one behind this prefix, so an operator's rollback
# can give the company its legacy login back without a password reset for all.
RETIRED_PREFIX = "!retired:"


@transaction.atomic
def company_retire_legacy_passwords(*, company: Company) -> int:
    """Make every legacy password hash of ``company`` unusable. Idempotent."""
    retired = (
        Employee.objects.filter(company=company)
        .exclude(legacy_password_hash="")
        .exclude(legacy_password_hash__startswith=RETIRED_PREFIX)
        .update(legacy_password_hash=Concat(Value(RETIRED_PREFIX), F("legacy_password_hash")))
    )
    log.info("hrm.company.legacy_passwords_retired", extra=kv(company=company.slug, count=retired))
    return retired


@transaction.atomic
def company_restore_legacy_passwords(*, company: Company) -> int:
    """Undo ``company_retire_legacy_passwords`` (rollback). Idempotent."""
    restored = Employee.objects.filter(company=company, legacy_password_hash__startswith=RETIRED_PREFIX).update(
        legacy_password_hash=Substr("legacy_password_hash", len(RETIRED_PREFIX) + 1)
    )
    log.info("hrm.company.legacy_passwords_restored", extra=kv(company=company.slug, count=restored))
    return restored


def employee_set_password(*, employee: Employee, password: str | None) -> None:
    Employee.objects.filter(pk=employee.pk).update(legacy_password_hash=make_password(password))


def employee_set_personal_number(*, employee: Employee, raw: str) -> None:
    normalized = personal_numbers.normalize(raw)
    Employee.objects.filter(pk=employee.pk).update(
        personal_number_hash=personal_numbers.keyed_hash(normalized),
        personal_number_masked=personal_numbers.masked(normalized),
    )


def employee_set_connect_subject(*, employee: Employee, subject: uuid.UUID | None) -> None:
    """Record (or clear) the Connect account that signs in as this employee."""
    Employee.objects.filter(pk=employee.pk).update(connect_subject=subject)
    employee.connect_subject = subject


@transaction.atomic
def employee_deactivate(*, employee: Employee) -> None:
    """The employee left: no more HRM access, and every open HRM session ends now."""
    Employee.objects.filter(pk=employee.pk).update(is_active=False)
    ended, _ = HrmSession.objects.filter(employee=employee).delete()
    employee.is_active = False
    log.info("hrm.employee.deactivated", extra=kv(employee=employee.pk, sessions_ended=ended))


def employee_activate(*, employee: Employee) -> None:
    Employee.objects.filter(pk=employee.pk).update(is_active=True)
    employee.is_active = True
