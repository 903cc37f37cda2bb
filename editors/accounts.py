"""Accounts and their tokens: made, listed and revoked from the command line, and found by a request's token.

A token is `blt_` and 43 URL-safe characters (32 random bytes); the database keeps its SHA-256 only, so a copy of
the database signs no one in. A token is shown once, when it is made.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from models.accounts import AccessToken, Account
from models.database import writing

ROLES = ("editor", "reviewer", "admin")
PREFIX = "blt_"
# The longest token this API issues, and so the longest `Authorization` value it reads.
TOKEN_LENGTH = len(PREFIX) + 43
NAME_LENGTH = 64

_accounts = Account.__table__  # type: ignore[attr-defined]
_tokens = AccessToken.__table__  # type: ignore[attr-defined]


class AccountError(ValueError):
    """A command that cannot be carried out: the name taken, the role unknown, no such account."""


@dataclass(frozen=True)
class Signed:
    """The account a request's token belongs to."""

    id: int
    name: str
    role: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def add(engine: sa.Engine, name: str, role: str) -> str:
    """Make an account and its first token; the token, which nothing keeps."""
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}, not {role!r}")
    if not name or len(name) > NAME_LENGTH or not name.isprintable() or name != name.strip():
        raise AccountError(f"a name is 1 to {NAME_LENGTH} printable characters, without spaces around it")
    with writing(engine) as connection:
        if connection.execute(sa.select(_accounts.c.id).where(_accounts.c.name == name)).first() is not None:
            raise AccountError(f"there is already an account named {name!r}")
        created = _now()
        account_id = connection.execute(
            sa.insert(_accounts).values(name=name, role=role, created_at=created).returning(_accounts.c.id)
        ).scalar_one()
        return _issue(connection, account_id, created)


def issue(engine: sa.Engine, name: str) -> str:
    """Another token for an existing account (the others stay valid until revoked)."""
    with writing(engine) as connection:
        account_id = _account_id(connection, name)
        return _issue(connection, account_id, _now())


def _issue(connection: sa.Connection, account_id: int, created: datetime) -> str:
    token = PREFIX + secrets.token_urlsafe(32)
    connection.execute(sa.insert(_tokens).values(account_id=account_id, digest=digest(token), created_at=created))
    return token


def _account_id(connection: sa.Connection, name: str) -> int:
    found = connection.execute(sa.select(_accounts.c.id).where(_accounts.c.name == name)).scalar_one_or_none()
    if found is None:
        raise AccountError(f"there is no account named {name!r}")
    return int(found)


def revoke(engine: sa.Engine, name: str) -> int:
    """Revoke every token of an account; how many were still valid."""
    with writing(engine) as connection:
        account_id = _account_id(connection, name)
        revoked = connection.execute(
            sa.update(_tokens)
            .where(_tokens.c.account_id == account_id, _tokens.c.revoked_at.is_(None))
            .values(revoked_at=_now())
        )
        return int(revoked.rowcount)


@dataclass(frozen=True)
class Listed:
    name: str
    role: str
    created_at: datetime
    valid_tokens: int


def listed(engine: sa.Engine) -> list[Listed]:
    """Every account, by name, with how many of its tokens are valid."""
    valid = sa.func.count(_tokens.c.id).filter(_tokens.c.revoked_at.is_(None))
    statement = (
        sa.select(_accounts.c.name, _accounts.c.role, _accounts.c.created_at, valid)
        .outerjoin(_tokens, _tokens.c.account_id == _accounts.c.id)
        .group_by(_accounts.c.id)
        .order_by(_accounts.c.name)
    )
    with engine.connect() as connection:
        return [Listed(*row) for row in connection.execute(statement)]


def signed_in(connection: sa.Connection, token: str) -> Signed | None:
    """The account a valid token belongs to; None for a token this API did not issue, or one revoked."""
    statement = (
        sa.select(_accounts.c.id, _accounts.c.name, _accounts.c.role)
        .join(_tokens, _tokens.c.account_id == _accounts.c.id)
        .where(_tokens.c.digest == digest(token), _tokens.c.revoked_at.is_(None))
    )
    row = connection.execute(statement).first()
    return None if row is None else Signed(*row)
