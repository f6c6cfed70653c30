"""The benchmark's own PostgreSQL database: created when missing, dropped on --reseed."""

from __future__ import annotations

import os

import psycopg
from psycopg import sql

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/relaydesk_bench"


def configure(url: str | None) -> str:
    """Point Django at the benchmark database before settings are imported."""
    url = url or os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"The benchmark needs PostgreSQL, not {url!r}.")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relaydesk.settings")
    os.environ.pop("RELAYDESK_DEBUG", None)
    os.environ.pop("RELAYDESK_TESTING", None)
    return url


def _maintenance(url: str) -> tuple[psycopg.Connection, str]:
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = str(info.get("dbname") or "relaydesk_bench")
    info["dbname"] = "postgres"
    return psycopg.connect(psycopg.conninfo.make_conninfo(**info), autocommit=True), name


def ensure(url: str, *, drop: bool = False) -> bool:
    """Create the database if missing (after dropping it when `drop`); True if it is new."""
    conn, name = _maintenance(url)
    with conn:
        if drop:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return not exists


def vacuum() -> None:
    """What autovacuum does in production, now: dead rows of earlier runs and of the last
    phase cleaned up, statistics current. (This machine's PostgreSQL runs with autovacuum off:
    an SLA run's 100,000 rewritten tickets stayed as dead rows in every index, which the next
    measurement walked through.)"""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
