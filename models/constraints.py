"""Table constraints shared by several models."""

import sqlalchemy as sa


def partial_date(table: str, prefix: str) -> tuple[sa.CheckConstraint, ...]:
    """A partial date's four columns are all set or all empty, and its range is not inverted."""
    columns = [f"{prefix}_{part}" for part in ("text", "precision", "earliest", "latest")]
    all_or_none = " AND ".join(f"({column} IS NULL) = ({columns[0]} IS NULL)" for column in columns[1:])
    return (
        sa.CheckConstraint(all_or_none, name=f"{table}_{prefix}_complete"),
        sa.CheckConstraint(f"{prefix}_earliest <= {prefix}_latest", name=f"{table}_{prefix}_ordered"),
    )
