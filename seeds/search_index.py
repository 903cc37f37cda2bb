"""The full-text index, derived from the loaded rows: one document per searchable fact."""

import re
import unicodedata
from typing import Any

import sqlalchemy as sa

from models import tables as t
from models.enums import SubjectType

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The words of `text` as both databases index them: diacritics folded, lower-cased, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _WORD.findall(folded.casefold())


def _joined(*parts: str | None) -> str:
    return ". ".join(part for part in parts if part)


def documents(connection: sa.Connection) -> list[dict[str, Any]]:
    """The document of every searchable row; a passage cited for several facts is indexed once."""
    found: list[dict[str, Any]] = []
    row: Any

    def add(subject_type: SubjectType, subject_id: int, title: str, *body: str | None) -> None:
        text = _joined(*body)
        found.append(
            {
                "subject_type": subject_type.value,
                "subject_id": subject_id,
                "title": title,
                "body": text,
                "terms": " ".join(words(text)),
            }
        )

    for row in connection.execute(sa.select(t.event.c.id, t.event.c.title, t.event.c.description)):
        add(SubjectType.EVENT, row.id, row.title, row.title, row.description)
    agreements = sa.select(t.agreement.c.id, t.agreement.c.title, t.agreement.c.short_name, t.agreement.c.summary)
    for row in connection.execute(agreements):
        add(SubjectType.AGREEMENT, row.id, row.title, row.title, row.short_name, row.summary)
    mechanisms = sa.select(t.mechanism.c.id, t.mechanism.c.name, t.mechanism.c.short_name, t.mechanism.c.description)
    for row in connection.execute(mechanisms):
        add(SubjectType.MECHANISM, row.id, row.name, row.name, row.short_name, row.description)
    for row in connection.execute(sa.select(t.statistic.c.id, t.statistic.c.measure)):
        add(SubjectType.STATISTIC, row.id, row.measure, row.measure)
    for row in connection.execute(sa.select(t.person.c.id, t.person.c.name)):
        add(SubjectType.PERSON, row.id, row.name, row.name)
    first_of_each_passage = (
        sa.select(sa.func.min(t.citation.c.id).label("id"), t.citation.c.excerpt)
        .group_by(t.citation.c.source_id, t.citation.c.start, t.citation.c.end, t.citation.c.excerpt)
        .order_by(sa.func.min(t.citation.c.id))
    )
    for row in connection.execute(first_of_each_passage):
        add(SubjectType.CITATION, row.id, row.excerpt, row.excerpt)
    return found


def refresh(connection: sa.Connection) -> None:
    """Bring the database's own index up to date with `search_document`."""
    if connection.dialect.name == "sqlite":
        connection.execute(sa.text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
