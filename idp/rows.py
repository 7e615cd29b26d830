"""A row inserted with one prepared INSERT, without the ORM's per-save work.

``Model.save(force_insert=True)`` rebuilds its INSERT from the model's
metadata on every call (signals, field checks, the SQL compiler): a measurable
share of a sign-in's own cost (bench/bench_login.py). The statement here is
built once per model and database; the values still come from each field's
``pre_save`` and ``get_db_prep_save``, as the ORM's insert takes them, so a new
column needs no change here. For rows whose every value is known before the
insert (no database-generated key is read back).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connections
from django.db.models import Model


@cache
def insert_statement(model: type[Model], using: str) -> tuple[str, tuple[Any, ...]]:
    """``INSERT INTO table (columns) VALUES (%s, ...)`` and its fields, in order;
    an automatic primary key is left to the database."""
    q = connections[using].ops.quote_name
    fields = tuple(f for f in model._meta.concrete_fields if f is not model._meta.auto_field)
    columns = ", ".join(q(f.column) for f in fields)
    values = ", ".join("%s" for _ in fields)
    return f"INSERT INTO {q(model._meta.db_table)} ({columns}) VALUES ({values})", fields  # noqa: S608  (names from _meta)


def insert_values(row: Model, fields: tuple[Any, ...], using: str) -> list[Any]:
    connection = connections[using]
    return [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]


def insert(row: Model, *, using: str) -> None:
    """Insert ``row`` as one statement (atomic on its own, like any statement)."""
    sql, fields = insert_statement(type(row), using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, insert_values(row, fields, using))
    row._state.adding = False
    row._state.db = using
