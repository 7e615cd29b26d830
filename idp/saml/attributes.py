"""Attributes Connect can release, chosen per SP, with urn:oid names (SAML
X.500/LDAP attribute profile, Profiles §8.2) and friendly names.

Other apps may add values (e.g. provisioning: the HRM employee number) with
``register_attribute_source``: idp never imports them, they register here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

AttributeSource = Callable[[Any], dict[str, list[str]]]


@dataclass(frozen=True)
class Attribute:
    oid: str
    friendly_name: str


ATTRIBUTES: dict[str, Attribute] = {
    "email": Attribute("urn:oid:0.9.2342.19200300.100.1.3", "mail"),
    "name": Attribute("urn:oid:2.16.840.1.113730.3.1.241", "displayName"),
    "given_name": Attribute("urn:oid:2.5.4.42", "givenName"),
    "family_name": Attribute("urn:oid:2.5.4.4", "sn"),
    "employee_number": Attribute("urn:oid:2.16.840.1.113730.3.1.3", "employeeNumber"),
    "company": Attribute("urn:oid:2.5.4.10", "o"),
}

_sources: list[AttributeSource] = []


def register_attribute_source(source: AttributeSource) -> None:
    """``source(user)`` returns {attribute name: [values]} for names in ATTRIBUTES."""
    if source not in _sources:
        _sources.append(source)


def user_attributes(user: Any, names: list[str]) -> dict[str, list[str]]:
    """The values of ``names`` for ``user``; empty values are left out."""
    values: dict[str, list[str]] = {
        "email": [user.email],
        "name": [user.get_full_name()],
        "given_name": [user.given_name],
        "family_name": [user.family_name],
    }
    for source in _sources:
        for key, extra in source(user).items():
            values.setdefault(key, [])
            values[key] = [*values[key], *extra]
    return {name: [v for v in values.get(name, []) if v] for name in names if any(values.get(name, []))}
