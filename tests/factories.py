"""Factories for test data. Passwords are set through the model's own hashing."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth.hashers import make_password

from hrm.models import Company, Employee
from idp.models import User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Faker("name")
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")

    @factory.post_generation
    def password(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        obj.set_password(PASSWORD if extracted is None else extracted)
        if create:
            obj.save(update_fields=["password"])


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"company{n}")
    name = factory.Sequence(lambda n: f"Company {n} AB")


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    company = factory.SubFactory(CompanyFactory)
    employee_number = factory.Sequence(lambda n: f"{1000 + n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"employee{n}@example.com")
    legacy_username = factory.Sequence(lambda n: f"user{n}")
    legacy_password_hash = factory.LazyFunction(lambda: _legacy_hash())


_cached_hash: list[str] = []


def _legacy_hash() -> str:
    # One hash for every factory employee keeps the suite fast.
    if not _cached_hash:
        _cached_hash.append(make_password(PASSWORD))
    return _cached_hash[0]
