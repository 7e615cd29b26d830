"""Demo data: companies with employees, including the trouble real HR data has.

Idempotent: running it again changes nothing that is already there. Scaled
with ``employees`` for load work: rows are created in bulk, in batches, with
one precomputed legacy password hash (hashing 100,000 passwords would take
an hour and prove nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from hrm import personal_numbers
from hrm.models import Company, Employee
from idp.models import User

DEMO_PASSWORD = "demo-password-1"  # noqa: S105 (published demo login)
OPERATOR_EMAIL = "operator@connect.localhost"
OPERATOR_PASSWORD = "operator-password-1"  # noqa: S105 (published demo login)
LOAD_COMPANY_SLUG = "storbolaget"


@dataclass(frozen=True)
class DemoEmployee:
    number: str
    first: str
    last: str
    email: str
    username: str
    admin: bool = False
    active: bool = True


COMPANIES: dict[str, tuple[str, list[DemoEmployee]]] = {
    "acme": (
        "Acme AB",
        [
            DemoEmployee("1001", "Anna", "Andersson", "anna.andersson@acme.example", "anna", admin=True),
            DemoEmployee("1002", "Bertil", "Berg", "bertil.berg@acme.example", "bertil"),
            DemoEmployee("1003", "Cecilia", "Ek", "cecilia.ek@acme.example", "cecilia"),
            DemoEmployee("1004", "David", "Lind", "", "david"),  # no email address
            DemoEmployee("1005", "Eva", "Holm", "lager@acme.example", "eva"),  # shares an address…
            DemoEmployee("1006", "Fredrik", "Holm", "lager@acme.example", "fredrik"),  # …with a colleague
            DemoEmployee("1007", "Greta", "Sjö", "greta.sjo@acme.example", "greta", active=False),  # has left
        ],
    ),
    "nordkust": (
        "Nordkust Bygg AB",
        [
            DemoEmployee("2001", "Hanna", "Nord", "hanna.nord@nordkust.example", "hanna", admin=True),
            DemoEmployee("2002", "Ivar", "Strand", "ivar.strand@nordkust.example", "ivar"),
            DemoEmployee("2003", "Johanna", "Vik", "", "johanna"),
            # The same person as at Acme (a consultant): one Connect account for both.
            DemoEmployee("2004", "Bertil", "Berg", "bertil.berg@acme.example", "bertil.berg"),
        ],
    ),
}


def _personal_number(company_index: int, index: int) -> tuple[str, str]:
    birth = f"{1970 + (index % 30):04d}{(index % 12) + 1:02d}{(index % 28) + 1:02d}"
    first_eleven = f"{birth}{company_index}{index % 100:02d}"
    normalized = personal_numbers.with_check_digit(first_eleven)
    return personal_numbers.keyed_hash(normalized), personal_numbers.masked(normalized)


@transaction.atomic
def load_demo(*, employees: int = 0, password_hash: str | None = None) -> dict[str, int]:
    """Create what is missing; return how many rows were created per kind."""
    legacy_hash = password_hash or make_password(DEMO_PASSWORD)
    created = {"companies": 0, "employees": 0, "accounts": 0}
    for company_index, (slug, (name, people)) in enumerate(COMPANIES.items(), start=1):
        company, was_created = Company.objects.get_or_create(slug=slug, defaults={"name": name})
        created["companies"] += was_created
        existing = set(Employee.objects.filter(company=company).values_list("employee_number", flat=True))
        new_rows = []
        for index, person in enumerate(people):
            if person.number in existing:
                continue
            pn_hash, pn_masked = _personal_number(company_index, index)
            new_rows.append(
                Employee(
                    company=company,
                    employee_number=person.number,
                    first_name=person.first,
                    last_name=person.last,
                    email=person.email,
                    legacy_username=person.username,
                    legacy_password_hash=legacy_hash,
                    is_hrm_admin=person.admin,
                    is_active=person.active,
                    personal_number_hash=pn_hash,
                    personal_number_masked=pn_masked,
                )
            )
        Employee.objects.bulk_create(new_rows)
        created["employees"] += len(new_rows)
    if not User.objects.filter(email=OPERATOR_EMAIL).exists():
        User.objects.create_superuser(OPERATOR_EMAIL, OPERATOR_PASSWORD, display_name="Connect operator")
        created["accounts"] += 1
    if employees:
        created["employees"] += load_many(count=employees, password_hash=legacy_hash)
    return created


def load_many(*, count: int, password_hash: str, batch: int = 5000) -> int:
    """Make sure the load company has ``count`` generated employees."""
    company, _ = Company.objects.get_or_create(slug=LOAD_COMPANY_SLUG, defaults={"name": "Storbolaget AB"})
    have = Employee.objects.filter(company=company).count()
    made = 0
    for start in range(have, count, batch):
        rows = []
        for index in range(start, min(start + batch, count)):
            number = f"{index + 1:07d}"
            rows.append(
                Employee(
                    company=company,
                    employee_number=number,
                    first_name="Anställd",
                    last_name=number,
                    email=f"anstalld{number}@storbolaget.example",
                    legacy_username=f"u{number}",
                    legacy_password_hash=password_hash,
                )
            )
        Employee.objects.bulk_create(rows, batch_size=batch)
        made += len(rows)
    return made
