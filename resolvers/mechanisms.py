"""Standing mechanisms of a relation."""

from models.mechanism import MECHANISM
from resolvers.fetches import ByKey
from resolvers.loading import by_key

MECHANISM_BY_SLUG = ByKey(by_key(MECHANISM), lambda arguments: arguments["slug"])
