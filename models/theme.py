"""Areas of cooperation and what the sources tie to them."""

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.entity import declare
from models.evidence import Check, Claim, claims


class Theme(SQLModel, table=True):
    """An area of cooperation such as security, trade or people-to-people exchange."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=100)
    name: str
    description: str | None = None


THEME = declare(Theme, "slug", plural="themes", section="themes", order=("name",))
# A theme is the editors' heading for an area of cooperation: its passages show the page speaking of it.
THEME_CLAIMS = claims(Theme, Claim("name", Check.EDITORIAL), Claim("description", Check.EDITORIAL))


class ThemeLink(SQLModel, table=True):
    """A theme's link to a relation, event, agreement or mechanism."""

    __tablename__ = "theme_link"
    __table_args__ = (
        sa.UniqueConstraint("theme_id", "subject_type", "subject_id", name="theme_link_natural"),
        sa.Index("theme_link_subject", "subject_type", "subject_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    theme_id: int = Field(foreign_key="theme.id")
    subject_type: str = Field(max_length=32)
    subject_id: int
