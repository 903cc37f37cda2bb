"""The tables and the kinds of entity they hold: `models/registry.py` lists the kinds. Importing this
package registers every table on `SQLModel.metadata`: the kinds' through the registry, and the tables that
belong to no kind (the data version, the search index, the editors' accounts and tokens)."""

from sqlmodel import SQLModel

metadata = SQLModel.metadata

from models import accounts, meta, registry, search  # noqa: E402 -- their tables register on `metadata` as imported

__all__ = ["accounts", "meta", "metadata", "registry", "search"]
