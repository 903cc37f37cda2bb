"""The dataset's version, bumped by every load that changes something."""

from sqlmodel import Field, SQLModel

# The PostgreSQL channel every load that changes the version notifies in its own transaction, the new token as the
# payload: each server's listener (resolvers/notified.py) hears of the commit a moment after it.
CHANNEL = "bilateral_dataset_version"


class DatasetVersion(SQLModel, table=True):
    """A single row counting the loads that changed the data, and a digest of what was loaded.

    Caches key on the digest, not the count: a database dropped and loaded again with other data
    starts at version 1 once more, but not with the same digest.
    """

    __tablename__ = "dataset_version"
    __table_args__ = {"info": {"derived": True}}

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    token: str = Field(max_length=32)
