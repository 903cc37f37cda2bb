"""The tables and the kinds of entity they hold: `models/registry.py` lists the kinds. Importing this
package registers every table on `SQLModel.metadata`: the kinds' through the registry, and the tables that
belong to no kind (the data version, the search index, the editors' accounts, tokens, changes and history)."""

from sqlmodel import SQLModel

metadata = SQLModel.metadata

from models import accounts, changes, meta, registry, search  # noqa: E402 -- their tables register on `metadata`

__all__ = ["accounts", "changes", "meta", "metadata", "registry", "search"]
