"""Source documents."""

from models import tables as t
from models.source import SOURCE
from resolvers.fetches import ByKey, Everything, children
from resolvers.loading import Relationship, by_key

CITATIONS = Relationship(t.citation, keys=(t.citation.c.source_id,), order_by=(t.citation.c.start, t.citation.c.end))

SOURCE_BY_SLUG = ByKey(by_key(SOURCE), lambda arguments: arguments["slug"])
SOURCES = Everything(t.source, SOURCE.order_by)

citations_of_source = children(CITATIONS)
