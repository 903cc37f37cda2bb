"""Arguments several root fields share."""

from typing import Annotated

import strawberry

Slug = Annotated[str, strawberry.argument(description="The slug, as found in the `slug` field.")]
