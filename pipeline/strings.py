"""Every string a request gives the schema is bounded in length before any resolver, or the database, sees it.

One bound for every argument and input field that takes text (`contains`, `search`'s `query`, slugs, codes,
ids, cursors): written in the document or passed in a variable. A long pattern costs the database work
in proportion to its length on every row it reads, and SQLite fails outright past 50,000 characters.
"""

import re
from typing import Any

from graphql import ArgumentNode, DocumentNode, ObjectFieldNode, StringValueNode, VariableDefinitionNode, VariableNode
from graphql import visit as visit_document
from graphql.language import Visitor

from resolvers.errors import BadUserInput


def too_long(
    document: DocumentNode, variables: dict[str, Any], limit: int, query: str | None = None
) -> BadUserInput | None:
    """The refusal of the first string longer than `limit` characters, named by its argument or input field.

    Walking a document costs far more than reading its text: the walk that names the argument is taken only
    when the text (`query`) holds a string literal that long, or a variable's value does.
    """
    if query is not None and not _long_literal(query, limit) and _longest(variables, "", limit) is None:
        return None
    finder = _Finder(variables, limit)
    visit_document(document, finder)
    if finder.found is None:
        return None
    name, length = finder.found
    message = f"`{name}` takes at most {limit} characters, not {length}"
    return BadUserInput(message, argument=name, limit=limit)


# The string literals of a document's text, block or quoted, read left to right past comments.
_LITERALS = re.compile(r'"""(?:[^"\\]|"(?!"")|\\[\s\S])*"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*')


def _long_literal(query: str, limit: int) -> bool:
    """Whether the text holds a string literal of more than `limit` characters (an escape sequence counted as
    the characters it is written with: an overestimate, which the walk then settles)."""
    return any(len(found.group()) > limit + 2 for found in _LITERALS.finditer(query) if found.group()[0] == '"')


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
