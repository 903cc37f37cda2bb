"""The editors' accounts and their access tokens: not the data, so no load touches them (`info["kept"]`)."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

KEPT = {"info": {"kept": True}}


class Account(SQLModel, table=True):
    """Someone who may change the data, and what they may do (`editors.accounts.ROLES`)."""

    __tablename__ = "account"
    __table_args__ = (sa.UniqueConstraint("name", name="account_natural"), KEPT)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    role: str = Field(max_length=16)
    created_at: datetime


class AccessToken(SQLModel, table=True):
    """A token an account signs in with, kept only as its SHA-256: the token itself is shown once, when made."""

    __tablename__ = "access_token"
    __table_args__ = (sa.UniqueConstraint("digest", name="access_token_natural"), KEPT)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    digest: str = Field(max_length=64)
    created_at: datetime
    revoked_at: datetime | None = None
