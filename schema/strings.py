"""Every string a request gives the schema is bounded in length before any resolver, or the database, sees it.

One bound for every argument and input field that takes text (`contains`, `search`'s `query`, slugs, codes,
ids, cursors): written in the document or passed in a variable. A long pattern costs the database work
in proportion to its length on every row it reads, and SQLite fails outright past 50,000 characters.
"""

from typing import Any

from graphql import ArgumentNode, DocumentNode, ObjectFieldNode, StringValueNode, VariableDefinitionNode, VariableNode
from graphql import visit as visit_document
from graphql.language import Visitor

from resolvers.errors import BadUserInput


def too_long(document: DocumentNode, variables: dict[str, Any], limit: int) -> BadUserInput | None:
    """The refusal of the first string longer than `limit` characters, named by its argument or input field."""
    finder = _Finder(variables, limit)
    visit_document(document, finder)
    if finder.found is None:
        return None
    name, length = finder.found
    message = f"`{name}` takes at most {limit} characters, not {length}"
    return BadUserInput(message, argument=name, limit=limit)


class _Finder(Visitor):
    def __init__(self, variables: dict[str, Any], limit: int) -> None:
        super().__init__()
        self.variables, self.limit = variables, limit
        self.found: tuple[str, int] | None = None

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        self._variable(node.value, node.name.value)

    def enter_object_field(self, node: ObjectFieldNode, *_: Any) -> None:
        self._variable(node.value, node.name.value)

    def enter_string_value(self, node: StringValueNode, _key: Any, parent: Any, _path: Any, ancestors: Any) -> None:
        if self.found is None and len(node.value) > self.limit:
            self.found = (_name([*ancestors, parent]), len(node.value))

    def _variable(self, value: Any, name: str) -> None:
        """A variable's value, as the client sent it, where the argument or field `name` takes it."""
        if self.found is None and isinstance(value, VariableNode):
            self.found = _longest(self.variables.get(value.name.value), name, self.limit)


def _name(ancestors: list[Any]) -> str:
    """The argument, input field or variable a string literal is the value of (the nearest one)."""
    for ancestor in reversed(ancestors):
        if isinstance(ancestor, ArgumentNode | ObjectFieldNode):
            return str(ancestor.name.value)
        if isinstance(ancestor, VariableDefinitionNode):
            return f"${ancestor.variable.name.value}"
    return "a string"


def _longest(value: Any, name: str, limit: int) -> tuple[str, int] | None:
    """The first string in a JSON value longer than `limit`, named by the key that holds it (else `name`)."""
    pending = [(value, name)]
    while pending:
        current, where = pending.pop()
        if isinstance(current, str) and len(current) > limit:
            return where, len(current)
        if isinstance(current, dict):
            pending += [(inner, str(key)) for key, inner in current.items()]
        elif isinstance(current, list):
            pending += [(inner, where) for inner in current]
    return None
