"""A phrase the source uses to characterise a relation."""

import strawberry

from models.relation import RELATION_LABEL
from schema.entity import entity_type
from schema.node import Node


@entity_type(RELATION_LABEL, description="A phrase the source uses to characterise a relation.", cites="this label")
class RelationLabel(Node):
    slug: str = strawberry.field(description="The label's key within its relation.")
    text: str = strawberry.field(description="The phrase (`comprehensive strategic alliance`).")
