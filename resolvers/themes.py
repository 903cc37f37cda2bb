"""Themes: areas of cooperation."""

from models import tables as t
from models.theme import THEME
from resolvers.fetches import ByKey, Everything
from resolvers.loading import by_key

THEMES = Everything(t.theme, THEME.order_by)
THEME_BY_SLUG = ByKey(by_key(THEME), lambda arguments: arguments["slug"])
