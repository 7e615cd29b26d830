"""The company's second-factor rule, told to Connect.

The rule is the HRM customer's (``CompanyMigration.require_second_factor``,
switched in the admin through ``company_second_factor_set``); enforcement is
Connect's (``idp.mfa``). idp cannot import provisioning, so ``register()``
(called from ProvisioningConfig.ready) hands idp the question as a function.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from hrm.models import Company
from idp.mfa.policy import register_mfa_policy
from idp.models import User
from provisioning.audit import event_record
from provisioning.models import CompanyMigration, EmployeeLink
from provisioning.services import migration_for_update


def second_factor_required(user: Any) -> bool:
    """True when any company this person is linked to as an employee requires it."""
    companies = EmployeeLink.objects.filter(account_id=user.pk).values("company_id")
    return CompanyMigration.objects.filter(company_id__in=companies, require_second_factor=True).exists()


def company_second_factor_set(*, company: Company, required: bool, actor: User | None) -> bool:
    """Switch the rule for one company; audited; a no-op (and no audit row) when unchanged."""
    with transaction.atomic():
        migration = migration_for_update(company=company)
        if migration.require_second_factor == required:
            return False
        migration.require_second_factor = required
        migration.save(update_fields=["require_second_factor"])
        event_record(company=company, event="policy.second_factor", actor=actor, required=required)
    return True


def register() -> None:
    register_mfa_policy(second_factor_required)
