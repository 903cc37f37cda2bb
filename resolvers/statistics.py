"""Figures the sources give."""

from models import tables as t
from models.statistic import STATISTIC
from resolvers.fetches import ByKey, Everything
from resolvers.loading import by_key

STATISTIC_BY_SLUG = ByKey(by_key(STATISTIC), lambda arguments: arguments["slug"])
STATISTICS = Everything(t.statistic, STATISTIC.order_by)
