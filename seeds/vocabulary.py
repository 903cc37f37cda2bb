"""The controlled fields of the fixtures: which vocabulary each field takes, and what every value means."""

from pydantic import BaseModel

from models.enums import Vocabulary
from seeds.fixture import model_in, vocabulary_in
from seeds.sections import SECTIONS


def controlled_fields() -> dict[type[Vocabulary], list[str]]:
    """Each vocabulary, with the fixture fields (`events.participants.role`) that take it."""
    found: dict[type[Vocabulary], list[str]] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            if (vocabulary := vocabulary_in(field.annotation)) is not None:
                found.setdefault(vocabulary, []).append(f"{prefix}.{name}")
            if (nested := model_in(field.annotation)) is not None:
                walk(nested, f"{prefix}.{name}")

    for section in SECTIONS.values():
        walk(section.entry, section.name)
    return found


def markdown() -> str:
    """Every controlled field and its values, as Markdown: what `cli.py vocabulary` prints and the README holds."""
    blocks = []
    for vocabulary, fields in sorted(controlled_fields().items(), key=lambda item: item[1]):
        heading = ", ".join(f"`{field}`" for field in fields)
        about = (vocabulary.__doc__ or "").strip().rstrip(".")
        rows = "\n".join(f"| `{member.value}` | {member.description} |" for member in vocabulary)
        blocks.append(f"#### {heading}\n\n{about}.\n\n| value | meaning |\n| --- | --- |\n{rows}\n")
    return "\n".join(blocks)
