"""BankID → Connect account, through the linked HRM employee.

BankID returns a personal identity number; HRM keeps only a keyed hash of it
on the employee, and the employee's ``connect_subject`` is the Connect account.
Registered with idp.bankid at start (see ProvisioningConfig.ready).
"""

from __future__ import annotations

import uuid

from hrm import personal_numbers
from hrm.models import Employee
from idp.bankid.identity import AmbiguousIdentity, register_identity_resolver


def resolve_bankid_subject(personal_number: str) -> uuid.UUID | None:
    try:
        normalized = personal_numbers.normalize(personal_number)
    except personal_numbers.InvalidPersonalNumber:
        return None
    subjects = set(
        Employee.objects.filter(
            personal_number_hash=personal_numbers.keyed_hash(normalized),
            is_active=True,
            connect_subject__isnull=False,
        )
        .order_by()
        .values_list("connect_subject", flat=True)
        .distinct()[:2]
    )
    # The same person employed by two companies links one account: one subject is fine.
    if len(subjects) > 1:
        raise AmbiguousIdentity
    return subjects.pop() if subjects else None


def register() -> None:
    register_identity_resolver(resolve_bankid_subject)
