"""Query documents generated from the schema itself (hypothesis-graphql), the same ones on every run."""

from graphql import build_schema
from hypothesis import HealthCheck, given, settings
from hypothesis_graphql import queries

from schema import printed_schema

SCHEMA = printed_schema()
_QUERY_TYPE = build_schema(SCHEMA).query_type
assert _QUERY_TYPE is not None
ROOT_FIELDS = sorted(_QUERY_TYPE.fields)


def generated(field: str, examples: int) -> list[str]:
    """Up to `examples` documents that start at the root field `field`."""
    found: list[str] = []

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(document=queries(SCHEMA, fields=[field]))
    def collect(document: str) -> None:
        found.append(document)

    collect()
    return found
