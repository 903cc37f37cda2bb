"""`relations:` bilateral relations, named by their two countries."""

from models.dates import date_columns
from models.entity import natural_key
from models.enums import RelationStatus
from models.relation import RELATION, pair_slug
from seeds.builder import Builder
from seeds.dataset import Ref, Sorted, key_parts
from seeds.fixture import DateText, Entry, Pair, Quotes, Slug
from seeds.sections import Section


class LabelEntry(Entry):
    slug: Slug
    text: str
    cite: Quotes


class RelationEntry(Entry):
    between: Pair
    status: RelationStatus
    established: DateText | None = None
    summary: str | None = None
    themes: list[Slug] = []
    labels: list[LabelEntry] = []
    section: str | None = None  # the heading of the page's section about this relation
    cite: Quotes

    @property
    def slug(self) -> str:
        return pair_slug(self.between)


def add(builder: Builder, item: RelationEntry) -> None:
    relation = Ref("relation", (item.slug,))
    pair = tuple(builder.ref("countries", code, ("between", number)) for number, code in enumerate(item.between))
    builder.row(
        "relation",
        {
            "slug": item.slug,
            # An unordered pair is stored once, the lower id first.
            "country_a_id": Sorted(pair, 0),
            "country_b_id": Sorted(pair, 1),
            "status": item.status.value,
            "summary": item.summary,
            **date_columns("established", item.established),
        },
    )
    if item.section is not None:
        builder.heading(item.section, item.slug, ("section",))
    for number, label in enumerate(item.labels):
        subject = Ref("relation_label", (relation, label.slug))
        key = natural_key(*key_parts(subject))
        builder.row(
            "relation_label", {"relation_id": relation, "slug": label.slug, "text": label.text, "natural_key": key}
        )
        builder.cite(label.cite, subject, ("labels", number, "cite"), {"text": label.text}, item.slug)


SECTION = Section(RELATION, RelationEntry, add)
