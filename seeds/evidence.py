"""The evidence pass: once every entry is built, each claim is checked against the passages cited for it.

The checks themselves are `models.evidence`'s, the same the tests run on what the API serves; here they
are run on the fixture, and each failure is a problem naming the file, the entry, the field, what the
passage must contain and the passage that came nearest.
"""

from typing import Any

from models import evidence
from models.evidence import Check, Claim
from seeds.builder import Builder, Claimed
from seeds.dataset import Ref


def prove(builder: Builder) -> None:
    """Check every claim of every record; add each relation's section as a citation of it."""
    context = evidence.Context(_names(builder), _sections(builder))
    for claimed in builder.claimed:
        builder.enter(claimed.page, claimed.section, claimed.index, claimed.key)
        if (claimed.page.name, builder.entry) in builder.unread:
            continue  # proved once its quotes are found and its references known
        for name, value in claimed.values.items():
            _prove(builder, claimed, claimed.claims.rules[name], value, context)


def _prove(builder: Builder, claimed: Claimed, claim: Claim, value: Any, context: evidence.Context) -> None:
    """Every passage quoted `for:` the claim proves some of its value, and its passages together prove all of it.

    A claim a mention carries (`implied`) is proved by the record's passages that prove it, which then say so.
    """
    at = (*claimed.at, claim.field)
    subject = evidence.Subject(claimed.relation)
    if claim.implied:
        passages = [
            passage
            for passage, _ in claimed.passages
            if evidence.unproven(claim, value, [passage], subject, context) != evidence.listed(value)
        ]
        for passage in passages:
            row = claimed.rows.get((passage.start, passage.end))
            if row is not None and (coordinate := claimed.claims.coordinate(claim.field)) not in row["supports"]:
                row["supports"].append(coordinate)
    else:
        passages = [passage for passage, supports in claimed.passages if claim.field in supports]
        refused = [
            p for p in passages if evidence.unproven(claim, value, [p], subject, context) == evidence.listed(value)
        ]
        for passage in refused:
            builder.problem(
                f"`{claim.field}` {_shown(value)}: the quote {passage.excerpt!r} is given `for: [{claim.field}]` "
                f"but a quote for it must {evidence.expected(claim, value)}",
                at,
            )
    if not passages:
        quote = "a quote" if claim.implied else f"a quote with `for: [{claim.field}]`"
        if isinstance(value, list):
            quote, value = f"{quote} for each", value[0]
        nearest = _nearest(claimed, claim, value)
        builder.problem(
            f"`{claim.field}` {_shown(value)} has no evidence: add {quote}; it must {evidence.expected(claim, value)}"
            + (f"; the nearest passage on the page is {nearest!r}" if nearest else ""),
            at,
        )
        return
    if not claim.implied and refused:
        return  # each quote that proves nothing is named above
    for item in evidence.unproven(claim, value, passages, subject, context):
        builder.problem(
            f"`{claim.field}` {_shown(item)}: none of its quotes does: a quote for it must "
            f"{evidence.expected(claim, item)}",
            at,
        )


def _nearest(claimed: Claimed, claim: Claim, value: Any) -> str | None:
    """The passage of the page most like a name or title, or else the entry's own first quote."""
    text = claimed.page.text
    if text is None:
        return None
    words = " ".join(map(str, evidence.listed(value)))
    if claim.check is Check.TEXT and len(words) >= 8:
        return text.nearest(words)
    return None if claim.check is Check.EDITORIAL or not claimed.passages else claimed.passages[0][0].excerpt


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    return repr(value.text if hasattr(value, "text") else str(value))


def _names(builder: Builder) -> dict[str, list[str]]:
    """The names the page may use for each country and person."""
    names: dict[str, list[str]] = {}
    for row in builder.dataset.rows.get("country", []):  # the first row of a country holds every page's names
        names.setdefault(row["code"], [name for name in (row["name"], row["short_name"], *row["page_names"]) if name])
    for slug, declared in builder.declared.get("people", {}).items():
        names[slug] = [declared.item.name]
    return names


def _sections(builder: Builder) -> dict[str, list[tuple[str, int, int]]]:
    """Each relation's section of each page: from its heading to the next heading, or to the end of the text.

    On a page that gives no relation a heading, each relation's section is the whole page. Each section is
    cited as the evidence of the relation's `section` claim.
    """
    found: dict[str, list[tuple[str, int, int]]] = {}
    spans: dict[tuple[str, str], tuple[int, int]] = {}
    for headings in builder.headings.values():
        ordered = sorted(headings, key=lambda heading: heading[0])
        for (start, slug, page), following in zip(ordered, [*ordered[1:], None], strict=True):
            assert page.text is not None  # a heading is recorded only on a page whose text was read
            spans[page.name, slug] = (start, following[0] if following else len(page.text.raw))
    for claimed in builder.claimed:
        page = claimed.page
        if claimed.claims.table != "relation" or claimed.at or page.text is None:
            continue
        span = spans.get((page.name, claimed.key))
        if span is None and page.name in builder.headings:
            builder.enter(page, claimed.section, claimed.index, claimed.key)
            builder.problem("give it a `section:`: the heading of the page's section about this relation", ())
            continue
        start, end = span or (0, len(page.text.raw))
        claimed.passages.append(
            (evidence.Passage(page.text.raw[start:end], start, end, page.slug), frozenset({"section"}))
        )
        builder.citation(page, Ref("relation", (claimed.key,)), (start, end, "exact"), {"Relation.sections"})
        found.setdefault(claimed.key, []).append((page.slug, start, end))
    return found
