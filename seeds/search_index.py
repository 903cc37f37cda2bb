"""The full-text index, derived from the loaded rows: one document per row of each searchable kind."""

from typing import Any

import sqlalchemy as sa

from models.registry import searchable
from models.text import words


def _joined(*parts: str | None) -> str:
    return ". ".join(part for part in parts if part)


def documents(connection: sa.Connection) -> list[dict[str, Any]]:
    """The document of every row the searchable kinds declare, in the order they are declared."""
    found: list[dict[str, Any]] = []
    for entity in searchable():
        for row in connection.execute(entity.search_rows()):
            subject_id, title, *parts = row
            text = _joined(*parts)
            found.append(
                {
                    "subject_type": entity.subject,
                    "subject_id": subject_id,
                    "title": title,
                    "body": text,
                    "terms": " ".join(words(text)),
                }
            )
    return found


def refresh(connection: sa.Connection) -> None:
    """Bring the database's own index up to date with `search_document`."""
    if connection.dialect.name == "sqlite":
        connection.execute(sa.text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
