"""SAML attributes from the HR system for a Connect account linked to an employee:
the employee number and the company. Registered with idp.saml from
ProvisioningConfig.ready(), because idp never imports hrm or provisioning."""

from __future__ import annotations

from typing import Any

from hrm.models import Employee


def hrm_attributes(user: Any) -> dict[str, list[str]]:
    """Where the person is linked (Employee.connect_subject = the Connect sub)."""
    employees = Employee.objects.filter(connect_subject=user.pk).select_related("company").order_by("pk")
    numbers = [e.employee_number for e in employees]
    companies = list(dict.fromkeys(e.company.name for e in employees))
    return {"employee_number": numbers, "company": companies} if numbers else {}
