"""Standing mechanisms of a relation."""

from models import tables as t
from models.mechanism import MECHANISM
from resolvers.fetches import ByKey, Everything
from resolvers.filtering import combined
from resolvers.loading import by_key

MECHANISM_BY_SLUG = ByKey(by_key(MECHANISM), lambda arguments: arguments["slug"])
MECHANISMS = Everything(t.mechanism, MECHANISM.order_by, lambda arguments: combined(arguments.get("filter")))
