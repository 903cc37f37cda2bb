"""Themes: areas of cooperation."""

from models.theme import THEME
from resolvers.fetches import ByKey
from resolvers.loading import by_key

THEME_BY_SLUG = ByKey(by_key(THEME), lambda arguments: arguments["slug"])
