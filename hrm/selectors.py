"""Reads of HRM data. ``company_login_method`` is the one place HRM's login asks
which login a company uses."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from hrm.models import Company, Employee, LoginMethod


def company_by_slug(slug: str) -> Company:
    return get_object_or_404(Company, slug=slug)


def company_login_method(company: Company) -> LoginMethod:
    return LoginMethod(Company.objects.values_list("login_method", flat=True).get(pk=company.pk))


def company_employees(company: Company) -> QuerySet[Employee]:
    return Employee.objects.filter(company=company).order_by("last_name", "first_name", "employee_number")


def employee_by_subject(*, company: Company, subject: str) -> Employee | None:
    return Employee.objects.filter(company=company, connect_subject=subject).first()
