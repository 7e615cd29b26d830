"""The BankID identity resolver: personal number → linked HRM employee → Connect subject."""

from __future__ import annotations

import pytest

from hrm import services as hrm_services
from idp.bankid.identity import AmbiguousIdentity, resolve_personal_number
from provisioning.bankid_bridge import resolve_bankid_subject
from tests.factories import CompanyFactory, EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db


def employee(raw: str, subject: object = None) -> None:
    row = EmployeeFactory(company=CompanyFactory())
    hrm_services.employee_set_personal_number(employee=row, raw=raw)
    if subject is not None:
        hrm_services.employee_set_connect_subject(employee=row, subject=subject)  # type: ignore[arg-type]


def test_one_person_in_two_companies_is_one_account() -> None:
    user = UserFactory()
    employee("19750505-1230", user.pk)
    employee("197505051230", user.pk)
    assert resolve_bankid_subject("197505051230") == user.pk
    assert resolve_personal_number("197505051230") == user.pk  # registered at start


def test_unlinked_unknown_and_malformed_numbers_resolve_to_nobody() -> None:
    employee("197505051230")  # in HRM, but never provisioned
    assert resolve_bankid_subject("197505051230") is None
    assert resolve_bankid_subject("198503034566") is None
    assert resolve_bankid_subject("not a number") is None


def test_two_accounts_are_ambiguous() -> None:
    employee("197505051230", UserFactory().pk)
    employee("197505051230", UserFactory().pk)
    with pytest.raises(AmbiguousIdentity):
        resolve_bankid_subject("197505051230")
