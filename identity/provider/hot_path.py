"""The reads and writes on the authorize and token path, written as SQL.

On this path the ORM's per-call query compilation costs ten to twenty times what the database
takes to answer (see `make bench`), so these few lookups by unique key skip it. Table and
column names come from the models' metadata; every value travels as a parameter.
"""

from functools import cache

from django.db import connection
from django.utils import timezone

from citizen_registry.models import Citizen

from .models import (
    AuthorizationCode,
    LoginSession,
    OidcClient,
    ServiceFault,
    SigningKey,
    VneidAccount,
)


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


@cache
def _select(model, where):
    """Return the SQL selecting model's columns by `where`, and each column's converters."""
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    sql = f"SELECT {columns} FROM {_table(model)} WHERE {where}"  # noqa: S608
    columns = [field.get_col(model._meta.db_table) for field in fields]
    converters = [
        (column, connection.ops.get_db_converters(column) + column.get_db_converters(connection))
        for column in columns
    ]
    return sql, [field.attname for field in fields], converters


def _first(model, where, params):
    # What the ORM would do for `.filter(...).first()`, without compiling the query each time.
    sql, names, converters = _select(model, where)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (column, column_converters) in zip(row, converters, strict=True):
        for converter in column_converters:
            value = converter(value, column, connection)
        values.append(value)
    return model.from_db(connection.alias, names, values)


def _now():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def active_client(client_id):
    """Return the active client with this client_id, or None."""
    return _first(OidcClient, "client_id = %s AND is_active = %s", [client_id, True])


def account_with_citizen(account_id):
    """Return the VNeID account with its citizen loaded, or None."""
    account = _first(VneidAccount, "id = %s", [account_id])
    if account is not None:
        account.citizen = _first(Citizen, "id = %s", [account.citizen_id])
    return account


def live_login(key_hash):
    """Return the unexpired, unended login behind a cookie's hash, for an active account."""
    login = _first(
        LoginSession, "key_hash = %s AND ended_at IS NULL AND expires_at > %s", [key_hash, _now()]
    )
    if login is None:
        return None
    account = account_with_citizen(login.account_id)
    if account is None or not account.is_active:
        return None
    login.account = account
    return login


def nonce_used(client_id, nonce):
    """Return whether this client already sent this nonce (a replayed authorization request)."""
    sql = f"SELECT 1 FROM {_table(AuthorizationCode)} WHERE client_id = %s AND nonce = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql + " LIMIT 1", [client_id, nonce])
        return cursor.fetchone() is not None


def code_for_exchange(code_hash, client):
    """Return the code with this hash issued to client, locked for the exchange, or None."""
    where = "code_hash = %s AND client_id = %s"
    if connection.features.has_select_for_update:
        # A second use of the code waits here until the first has saved its token.
        where += " FOR UPDATE"
    code = _first(AuthorizationCode, where, [code_hash, client.pk])
    if code is None:
        return None
    code.client = client
    code.account = account_with_citizen(code.account_id)
    return code


def active_signing_key():
    """Return the SigningKey that signs now, or None before the first one exists."""
    return _first(SigningKey, "is_active = %s", [True])


@cache
def _insert_sql(model):
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {_table(model)} ({columns}) VALUES ({placeholders})", fields  # noqa: S608


def insert(instance):
    """Insert a new, unsaved model instance the way `save()` would, without compiling a query."""
    sql, fields = _insert_sql(type(instance))
    params = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def mark_code_used(code):
    """Record that a code was exchanged, so a second presentation is recognised."""
    code.used_at = timezone.now()
    sql = f"UPDATE {_table(AuthorizationCode)} SET used_at = %s WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(code.used_at), code.pk])


def current_service_fault():
    """Return the sandbox's fault row for VNeID, or None when it was never switched."""
    where = f"id = (SELECT MIN(id) FROM {_table(ServiceFault)})"  # noqa: S608 - model's table
    return _first(ServiceFault, where, [])
