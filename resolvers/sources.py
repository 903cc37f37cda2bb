"""Source documents."""

from models.source import SOURCE
from resolvers.fetches import ByKey
from resolvers.loading import by_key

SOURCE_BY_SLUG = ByKey(by_key(SOURCE), lambda arguments: arguments["slug"])
