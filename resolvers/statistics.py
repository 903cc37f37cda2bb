"""Figures the sources give."""

from models.statistic import STATISTIC
from resolvers.fetches import ByKey
from resolvers.loading import by_key

STATISTIC_BY_SLUG = ByKey(by_key(STATISTIC), lambda arguments: arguments["slug"])
