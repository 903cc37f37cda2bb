"""Countries and historical polities, and the regions that group them."""

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.entity import declare
from models.enums import Basis, enum_type
from models.evidence import Check, Claim, claims


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
    successor_basis: Basis | None = Field(default=None, sa_type=enum_type(Basis))
    successor_reason: str | None = None
    # The names the page itself uses for it ("the U.S.", "North Korea"), each cited.
    page_names: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    # The standard its name and codes come from (ISO 3166-1); None when the page names it (Joseon Dynasty).
    standard: str | None = Field(default=None, max_length=40)


COUNTRY = declare(Country, "code", plural="countries", section="countries")
COUNTRY_CLAIMS = claims(
    Country,
    Claim("name", Check.TEXT, implied=True),  # only where no standard names it
    Claim("short_name", Check.TEXT),
    Claim("page_names", Check.TEXT),
    Claim("successor", Check.NAMED),
)


class Region(SQLModel, table=True):
    """A named grouping of countries under some scheme."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=100)
    name: str
    scheme: str
    description: str | None = None


REGION = declare(Region, "code", plural="regions", section="regions")
REGION_CLAIMS = claims(
    Region,
    Claim("name", Check.TEXT, implied=True),
    Claim("scheme", Check.EDITORIAL),
    Claim("description", Check.EDITORIAL),
    Claim("members", Check.NAMED, graphql="countries", implied=True),
)


class RegionMember(SQLModel, table=True):
    """A country's membership of a region."""

    __tablename__ = "region_member"
    __table_args__ = (sa.UniqueConstraint("region_id", "country_id", name="region_member_natural"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id")
    country_id: int = Field(foreign_key="country.id", index=True)
