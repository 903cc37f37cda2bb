"""The dataset's version, bumped by every load that changes something."""

from sqlmodel import Field, SQLModel


class DatasetVersion(SQLModel, table=True):
    """A single row counting the loads that changed the data."""

    __tablename__ = "dataset_version"

    id: int = Field(default=1, primary_key=True)
    version: int = 0
