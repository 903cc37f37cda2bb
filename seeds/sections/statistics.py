"""`statistics:` figures, exactly as the page gives them."""

from models.dates import date_columns
from models.enums import StatisticQualifier
from models.statistic import STATISTIC
from seeds.builder import Builder
from seeds.fixture import Code, DateText, Entry, Number, Pair, Quotes, Slug
from seeds.sections import Section


class StatisticEntry(Entry):
    slug: Slug
    measure: str
    value: Number
    qualifier: StatisticQualifier
    unit: str
    country: Code | None = None
    relation: Pair | None = None
    event: Slug | None = None
    period: DateText | None = None
    cite: Quotes


def add(builder: Builder, item: StatisticEntry) -> None:
    builder.row(
        "statistic",
        {
            **item.model_dump(include={"slug", "measure", "value", "unit"}),
            "qualifier": item.qualifier.value,
            "country_id": builder.ref("countries", item.country, ("country",)),
            "relation_id": builder.relation(item.relation, ("relation",)),
            "event_id": builder.ref("events", item.event, ("event",)),
            **date_columns("period", item.period),
        },
    )


SECTION = Section(STATISTIC, StatisticEntry, add)
