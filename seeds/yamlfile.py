"""Reading a fixture's YAML with the line of every value, and YAML's complaints in plain words."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from models.relation import pair_slug

Path = tuple[str | int, ...]


@dataclass
class Document:
    """A parsed YAML file, and the line (counted from 1) where each value of it starts."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    repeated: list[tuple[Path, int]] = field(default_factory=list)  # keys written twice in one mapping

    def line(self, path: Path) -> int | None:
        """The line of the value at `path`, or of the nearest enclosing value that has one."""
        for end in range(len(path), -1, -1):
            if (found := self.lines.get(path[:end])) is not None:
                return found
        return None


class YAMLProblem(ValueError):
    """The text is not valid YAML; the message says where and how to fix it."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


class _Loader(yaml.SafeLoader):
    """YAML as fixtures read it: a number with a point is kept as written (`12.5`), never as a binary float."""

    def construct_yaml_float(self, node: yaml.ScalarNode) -> Any:
        try:
            return Decimal(str(node.value).replace("_", ""))
        except InvalidOperation:
            return super().construct_yaml_float(node)


_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)


def parse(text: str) -> Document:
    """The document `text` holds, or a `YAMLProblem` in words an editor can act on."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        raise _translated(error, text) from None
    except yaml.YAMLError as error:
        raise YAMLProblem(None, f"the file is not valid YAML: {error}") from None
    finally:
        loader.dispose()
    document = Document(data)
    if node is not None:
        _walk(node, (), document)
    return document


def _walk(node: yaml.Node, path: Path, document: Document) -> None:
    document.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key, value in node.value:
            name = key.value
            if name in seen:
                document.repeated.append(((*path, name), key.start_mark.line + 1))
            seen.add(name)
            document.lines[(*path, name)] = key.start_mark.line + 1
            _walk(value, (*path, name), document)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), document)


_KEY_THEN_COLON = re.compile(r"^\s*(- )?[\w.+-]+:\s")
_INDENTATION = "the fields of one entry start in the same column, and each entry of a list starts with `- `"


def _unclosed_quote(lines: list[str], last: int) -> int | None:
    """The first line up to `last` whose value opens a quote it does not close (YAML reads on past it)."""
    for number, content in enumerate(lines[:last], start=1):
        code = content.split(" #", 1)[0] if not content.lstrip().startswith("#") else ""
        doubles = code.replace('\\"', "").count('"')
        value = code.split(": ", 1)[-1].lstrip("- [").lstrip()
        singles = code.count("'") - 2 * code.count("''") if value.startswith("'") else 0
        if doubles % 2 or singles % 2:
            return number
    return None


def _translated(error: yaml.MarkedYAMLError, text: str) -> YAMLProblem:
    mark, problem = error.problem_mark, error.problem or ""
    line = mark.line + 1 if mark else None
    if (opened := _unclosed_quote(text.splitlines(), line or 0)) is not None:
        return YAMLProblem(opened, "a quote opens on this line and is never closed: end the value with the same quote")
    start = error.context_mark.line + 1 if error.context_mark else line
    lines = text.splitlines()
    source_line = lines[mark.line] if mark and mark.line < len(lines) else ""
    if "\\t" in problem:
        return YAMLProblem(line, "this line holds a tab: indent with spaces only")
    if problem == "mapping values are not allowed here":
        colon_in_value = mark is not None and bool(_KEY_THEN_COLON.match(source_line))
        if colon_in_value and mark is not None and source_line.index(":") < mark.column:
            message = (
                "the value on this line holds a colon followed by a space, which YAML reads as a new field: "
                'put the whole value in quotes, like `title: "Summit: the sequel"`'
            )
        else:
            message = f"this line is indented more than the field above it: {_INDENTATION}"
        return YAMLProblem(line, message)
    if problem.startswith("expected <block end>"):
        return YAMLProblem(line, f"this line is indented differently from the lines above it: {_INDENTATION}")
    if problem == "could not find expected ':'":
        return YAMLProblem(
            start,
            "this line is neither `field: value` nor a list item `- value`: "
            "a field needs a colon and a space after its name, a list item a space after the dash",
        )
    column = mark.column + 1 if mark else "?"
    return YAMLProblem(line, f"the file is not valid YAML here, at column {column} ({problem})")


_SECTION_LINE = re.compile(r"^([a-z_]+):")
_ITEM_LINE = re.compile(r"^(\s*)- ")
_KEY_LINE = re.compile(r"^\s*(?:- )?(slug|code|between):\s*\[?\s*([\w-]+(?:\s*,\s*[\w-]+)?)")


def entry_at(text: str, line: int | None) -> str:
    """The entry a line of a file that cannot be parsed belongs to, as well as the text shows it: `events #3 (x)`."""
    if line is None:
        return ""
    section, index, key, indent = "", -1, "", None
    for content in text.splitlines()[:line]:
        if found := _SECTION_LINE.match(content):
            section, index, key, indent = found.group(1), -1, "", None
            continue
        item = _ITEM_LINE.match(content)
        if section and item and (indent is None or len(item.group(1)) == indent):
            indent, index, key = len(item.group(1)), index + 1, ""
        named = _KEY_LINE.match(content)
        own_field = indent is not None and (item is not None or content[: indent + 2].isspace())
        if named and index >= 0 and not key and own_field and len(content) - len(content.lstrip()) <= (indent or 0) + 2:
            key = pair_slug(re.split(r"\s*,\s*", named.group(2))) if named.group(1) == "between" else named.group(2)
    if not section or index < 0:
        return ""
    return entry_label(section, index, key)


def entry_label(section: str, index: int, key: str | None) -> str:
    """An entry as an editor finds it: its section, its place counted from 1, and its key: `events #3 (x)`."""
    return f"{section} #{index + 1}" + (f" ({key})" if key else "")
