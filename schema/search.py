"""Search results."""

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from schema.agreement import Agreement
    from schema.citation import Citation
    from schema.event import Event
    from schema.mechanism import Mechanism
    from schema.person import Person
    from schema.statistic import Statistic

SearchItem = Annotated[
    Annotated["Event", strawberry.lazy("schema.event")]
    | Annotated["Agreement", strawberry.lazy("schema.agreement")]
    | Annotated["Mechanism", strawberry.lazy("schema.mechanism")]
    | Annotated["Statistic", strawberry.lazy("schema.statistic")]
    | Annotated["Person", strawberry.lazy("schema.person")]
    | Annotated["Citation", strawberry.lazy("schema.citation")],
    strawberry.union("SearchItem", description="Anything search can find; a cited passage is found as its Citation."),
]


@strawberry.type(description="One search result.")
class SearchHit:
    rank: float = strawberry.field(
        description="How well it matches, higher is better; comparable only within one search and one database."
    )
    snippet: str = strawberry.field(
        description="A passage of the matching text, HTML-escaped, with the matched words in `<mark>` elements."
    )
    item: SearchItem = strawberry.field(description="What matched.")
