"""Changes editors propose to the data, and the history of everything done with them: kept across loads."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.accounts import KEPT


class Change(SQLModel, table=True):
    """A changeset an editor proposes: entries shaped like a fixture's, made against one data version.

    `entries` is JSON: a list of `{section, action, key, entry}` (`editors.changesets`).
    """

    __tablename__ = "change"
    __table_args__ = (KEPT,)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    state: str = Field(max_length=16, index=True)
    summary: str = Field(max_length=500)
    entries: str
    base_version: str = Field(max_length=32)  # the data version it was made against
    created_at: datetime
    updated_at: datetime


class History(SQLModel, table=True):
    """One thing done, or refused, with a change or by an account: appended, never edited."""

    __tablename__ = "history"
    __table_args__ = (sa.Index("history_change", "change_id", "id"), KEPT)

    id: int | None = Field(default=None, primary_key=True)
    change_id: int | None = Field(default=None, foreign_key="change.id")
    account_id: int | None = Field(default=None, foreign_key="account.id")
    action: str = Field(max_length=16)
    outcome: str = Field(max_length=32)  # `done`, or the code it was refused with
    comment: str = Field(default="", max_length=2000)
    at: datetime
