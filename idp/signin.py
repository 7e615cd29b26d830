"""The sign-in's database work: one read and one write.

The read (password sign-in)
---------------------------
A password sign-in needs three facts about the account: its row (with the
hash), whether the address typed is verified (allauth's email verification
stage) and whether the person has a second factor (allauth's MFA stage). Asked
one by one through the ORM that is three queries; here it is one statement,
which saves about 1.5 ms of a login path that should add little to the 25 ms
Argon2 check (bench/bench_login.py).

The answers are left where allauth looks for them: the addresses in the cache
allauth's own ``EmailAddressManager.fill_cache_for_user`` fills (all of the
account's addresses, as it expects), the second factor on the instance for
``ConnectMFAAdapter.is_mfa_enabled``. Both live only as long as this instance,
which is the one signing in on this request.

The write (every sign-in)
-------------------------
Stamping ``last_login`` and inserting the audit row are two statements and, in
autocommit, two commits (two disk flushes); in one transaction, four round
trips. On PostgreSQL they are one statement: the UPDATE rides in a
data-modifying WITH of the INSERT (PostgreSQL manual §7.8.4), atomic like any
single statement. The INSERT's columns and values come from the model's own
fields (``get_db_prep_save``, as the ORM's insert does), so a new column of
AuditEvent needs no change here. Elsewhere (SQLite in development) it is two
ORM statements in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from django.db import connections, transaction

from idp.emails import normalize_email
from idp.rows import insert_statement, insert_values

SECOND_FACTOR_ATTR = "_connect_has_second_factor"


@cache
def _second_factor_types() -> tuple[str, ...]:
    from idp.mfa.policy import SECOND_FACTOR_TYPES

    return tuple(str(t) for t in SECOND_FACTOR_TYPES)


@cache
def _read_sql(using: str) -> tuple[str, tuple[str, ...], tuple[Any, ...]]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from idp.models import User

    connection = connections[using]
    q = connection.ops.quote_name
    user, address, authenticator = (q(m._meta.db_table) for m in (User, EmailAddress, Authenticator))
    names = tuple(f.attname for f in User._meta.concrete_fields)
    # Values as the ORM hands them to the model (booleans, UUIDs and dates on SQLite).
    columns_read = [f.get_col(User._meta.db_table) for f in User._meta.concrete_fields]
    converters = tuple(
        (i, col, (*connection.ops.get_db_converters(col), *col.get_db_converters(connection)))
        for i, col in enumerate(columns_read)
    )
    converters = tuple(c for c in converters if c[2])
    columns = ", ".join(f"u.{q(f.column)}" for f in User._meta.concrete_fields)
    types = ", ".join("%s" for _ in _second_factor_types())
    # One row per address of the account (an account without any still gives one, with NULLs).
    sql = (
        f"SELECT {columns}, a.{q('id')}, a.{q('email')}, a.{q('verified')}, a.{q('primary')},"  # noqa: S608  (names from _meta, values as parameters)
        f" EXISTS (SELECT 1 FROM {authenticator} m WHERE m.{q('user_id')} = u.{q('id')} AND m.{q('type')} IN ({types}))"
        f" FROM {user} u LEFT JOIN {address} a ON a.{q('user_id')} = u.{q('id')}"
        f" WHERE u.{q('email')} = %s ORDER BY a.{q('id')}"
    )
    return sql, names, converters


def account_for_sign_in(email: str, *, using: str = "default") -> Any:
    """The account whose address is ``email`` (normalised), ready for allauth's
    login stages; ``User.DoesNotExist`` when there is none."""
    from allauth.account.models import EmailAddress

    from idp.models import User

    sql, names, converters = _read_sql(using)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*_second_factor_types(), normalize_email(email)])
        rows = cursor.fetchall()
    if not rows:
        raise User.DoesNotExist
    width = len(names)
    first = list(rows[0][:width])
    for i, column, functions in converters:
        for function in functions:
            first[i] = function(first[i], column, connection)
    user = User.from_db(using, names, first)
    addresses = []
    for row in rows:
        address_id, address_email, verified, primary = row[width : width + 4]
        if address_id is None:
            continue
        address = EmailAddress(
            id=address_id, user=user, email=address_email, verified=bool(verified), primary=bool(primary)
        )
        address._state.adding = False  # a row read from the database, as the ORM marks it
        address._state.db = using
        addresses.append(address)
    EmailAddress.objects.fill_cache_for_user(user, addresses)
    setattr(user, SECOND_FACTOR_ATTR, bool(rows[0][width + 4]))
    return user


def known_second_factor(user: Any, types: Iterable[Any] | None) -> bool | None:
    """What the sign-in read found about a second factor of ``types``, if it was
    asked that very question; None when the caller must look it up."""
    if types is None or not hasattr(user, SECOND_FACTOR_ATTR):
        return None
    if {str(t) for t in types} != set(_second_factor_types()):
        return None
    return bool(getattr(user, SECOND_FACTOR_ATTR))


@cache
def _stamp_and_record_sql(using: str) -> tuple[str, tuple[Any, ...]]:
    from idp.audit.models import AuditEvent
    from idp.models import User

    q = connections[using].ops.quote_name
    insert, fields = insert_statement(AuditEvent, using)
    sql = f"WITH stamped AS (UPDATE {q(User._meta.db_table)} SET {q('last_login')} = %s WHERE {q('id')} = %s) {insert}"  # noqa: S608  (names from _meta, values as parameters)
    return sql, fields


def stamp_and_record(*, user: Any, row: Any, using: str = "default") -> None:
    """Set ``user.last_login`` to the audit row's time and write both."""
    from idp.models import User

    user.last_login = row.created_at
    connection = connections[using]
    if connection.vendor != "postgresql":
        with transaction.atomic(using=using):
            User.objects.using(using).filter(pk=user.pk).update(last_login=row.created_at)
            row.save(force_insert=True, using=using)
        return
    sql, fields = _stamp_and_record_sql(using)
    params = [user.last_login, user.pk, *insert_values(row, fields, using)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
