"""The tables and the kinds of entity they hold: `models/registry.py` lists the kinds. Importing this
package registers every table on `SQLModel.metadata`: the kinds' through the registry, and the two
tables that belong to no kind (the data version, the search index)."""

from sqlmodel import SQLModel

metadata = SQLModel.metadata

from models import meta, registry, search  # noqa: E402 -- their tables register on `metadata` as they are imported

__all__ = ["meta", "metadata", "registry", "search"]
