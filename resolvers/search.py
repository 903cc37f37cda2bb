"""Full-text search over events, agreements, mechanisms, figures, people and cited passages."""

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry

from models import tables as t
from models.registry import searchable
from models.text import words
from resolvers.context import Info
from resolvers.errors import BadUserInput
from resolvers.fetches import Arguments, fetched_by_group, fetches, window_of
from resolvers.loading import Row, by_id
from resolvers.ordering import Ordering, SortDirection
from resolvers.pagination import After, Before, First, Last, Page, Window, root_page

MAX_WORDS = 20
MAX_WORD_LENGTH = 100  # PostgreSQL ignores words past 2,047 bytes; none of the sources' words comes near
SNIPPET_WIDTH = 160
# What a hit's document stands for, by its subject type.
ITEMS = {entity.subject: by_id(entity) for entity in searchable()}

SearchQuery = Annotated[
    str,
    strawberry.argument(
        description="The words to find. Every word must occur; letter case, accents and punctuation are ignored."
    ),
]


@dataclass(frozen=True)
class Hit:
    """One search result: what matched, how well, and where."""

    rank: float
    snippet: str
    title: str
    item: Row


def _ranked(dialect: str, terms: list[str]) -> sa.Subquery:
    document = t.search_document
    if dialect == "sqlite":
        index = sa.table("search_fts", sa.column("rowid"))
        matching = sa.literal_column("search_fts").op("MATCH")(" ".join(f'"{term}"' for term in terms))
        rank = (-sa.func.bm25(sa.literal_column("search_fts"))).cast(sa.Float)
        statement = sa.select(*document.c, rank.label("rank")).select_from(
            index.join(document, document.c.id == index.c.rowid)
        )
    else:
        query = sa.func.to_tsquery("simple", " & ".join(terms))
        vector: sa.ColumnElement[Any] = sa.literal_column("search_document.document")
        matching = vector.op("@@")(query)
        rank = sa.func.ts_rank(vector, query).cast(sa.Float)
        statement = sa.select(*document.c, rank.label("rank"))
    return statement.where(matching).subquery("hit")


def highlight(text: str, terms: set[str]) -> str:
    """A window of `text` around its first matching word, HTML-escaped, the matching words in `<mark>`."""
    spans = [match.span() for match in re.finditer(r"[^\W_]+", text) if set(words(match.group())) & terms]
    first = spans[0][0] if spans else 0
    start = max(0, first - SNIPPET_WIDTH // 4)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + SNIPPET_WIDTH)
    if end < len(text) and " " in text[start:end]:
        end = text.rfind(" ", start, end)
    pieces, at = [], start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces += [html.escape(text[at:span_start]), f"<mark>{html.escape(text[span_start:span_end])}</mark>"]
        at = span_end
    pieces.append(html.escape(text[at:end]))
    return ("…" if start else "") + "".join(pieces) + ("…" if end < len(text) else "")


def search_page(connection: sa.Connection, query: str, window: Window) -> Page:
    """A page of hits, best first: the hits in one statement, what they stand for in one per kind."""
    terms = words(query)
    if not terms:
        raise BadUserInput("`query` needs at least one word", argument="query")
    if len(terms) > MAX_WORDS:
        raise BadUserInput(f"`query` takes at most {MAX_WORDS} words", argument="query")
    if max(map(len, terms)) > MAX_WORD_LENGTH:
        raise BadUserInput(f"`query` takes words of at most {MAX_WORD_LENGTH} characters", argument="query")
    hit = _ranked(connection.dialect.name, terms)
    ordering = Ordering.of([((hit.c.rank,), SortDirection.DESC)], hit.c.id)
    page = root_page(connection, sa.select(hit), ordering, window)
    subjects = [(row.subject_type, row.subject_id) for row in page.rows]
    items = fetched_by_group(connection, subjects, lambda subject: ITEMS[subject].fetch)
    page.cursors  # noqa: B018 -- made now, from the documents' ranks, before the hits take their place
    wanted = set(terms)
    page.rows = [
        Hit(row.rank, highlight(row.body, wanted), row.title, items[row.subject_type, row.subject_id])
        for row in page.rows
    ]
    return page


@dataclass(frozen=True, eq=False)
class Searched:
    """`search(query:)`: a page of hits, each with what it stands for."""

    def batch(self, connection: sa.Connection, parents: Sequence[Any], arguments: Arguments) -> list[Page]:
        page = search_page(connection, arguments["query"], window_of(arguments))
        return [page for _ in parents]


@fetches(Searched())
async def search(
    info: Info, query: SearchQuery, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> Page:
    window = Window(first, after, last, before)
    page: Page = await info.context.loaders.run(lambda connection: search_page(connection, query, window))
    return page
