"""Countries and historical polities, and the regions that group them."""

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.kinds import declare


class Country(SQLModel, table=True):
    """A state or historical polity, identified by its ISO 3166-1 alpha-3 code or, if it has none, a code of ours."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    alpha2: str | None = Field(default=None, max_length=2)
    numeric: str | None = Field(default=None, max_length=3)
    name: str
    short_name: str | None = None
    historical: bool = False
    successor_id: int | None = Field(default=None, foreign_key="country.id")


COUNTRY = declare(Country, "code", section="countries")


class Region(SQLModel, table=True):
    """A named grouping of countries under some scheme."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=100)
    name: str
    scheme: str
    description: str | None = None


REGION = declare(Region, "code", section="regions")


class RegionMember(SQLModel, table=True):
    """A country's membership of a region."""

    __tablename__ = "region_member"
    __table_args__ = (sa.UniqueConstraint("region_id", "country_id", name="region_member_natural"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id")
    country_id: int = Field(foreign_key="country.id", index=True)
