"""Arguments several root fields share."""

from typing import Annotated

import strawberry

Slug = Annotated[str, strawberry.argument(description="The slug, as found in the `slug` field.")]
CountryCode = Annotated[
    str,
    strawberry.argument(description="ISO 3166-1 alpha-3 code (`KOR`), or Bilateral's code for a historical polity."),
]
