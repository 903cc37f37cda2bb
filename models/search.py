"""The full-text index: one document per searchable fact, indexed by SQLite FTS5 or PostgreSQL full text."""

from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.entity import table_of


class SearchDocument(SQLModel, table=True):
    """The searchable text of one event, agreement, mechanism, statistic, person or citation.

    `terms` holds the text's words, lower-cased, split by Bilateral itself: both databases index the
    same words, so a query finds the same documents on either.
    """

    __tablename__ = "search_document"
    __table_args__ = (
        sa.UniqueConstraint("subject_type", "subject_id", name="search_document_natural"),
        {"info": {"derived": True}},
    )

    id: int | None = Field(default=None, primary_key=True)
    subject_type: str = Field(max_length=32)
    subject_id: int
    title: str
    body: str
    terms: str


def _ddl(statement: str, dialect: str) -> Any:
    return sa.DDL(statement).execute_if(dialect=dialect)  # type: ignore[no-untyped-call]  # DDL() is untyped upstream


_TABLE = table_of(SearchDocument)

# SQLite: an external-content FTS5 table over `terms`, rebuilt by the loader.
sa.event.listen(
    _TABLE,
    "after_create",
    _ddl(
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
        "terms, content='search_document', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
        "sqlite",
    ),
)
sa.event.listen(_TABLE, "before_drop", _ddl("DROP TABLE IF EXISTS search_fts", "sqlite"))

# PostgreSQL: a generated tsvector of `terms` with a GIN index; the 'simple' configuration stems nothing.
sa.event.listen(
    _TABLE,
    "after_create",
    _ddl(
        "ALTER TABLE search_document ADD COLUMN document tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED",
        "postgresql",
    ),
)
sa.event.listen(
    _TABLE,
    "after_create",
    _ddl("CREATE INDEX search_document_gin ON search_document USING gin (document)", "postgresql"),
)
