"""Every claim the API serves has evidence: read back through GraphQL, each passes its claim's check.

The walk reads every record of every type the way a client does, with each claim's value and the passages
`evidence(claim:)` gives for it, and runs the checks of `models.evidence` on what is served. A value with
no passage, or whose passages do not hold it (the date as the page writes it, the name, the figure, the
words of a status), fails here whatever the loader let through.
"""

from typing import Any

import pytest
import sqlalchemy as sa
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType
from starlette.testclient import TestClient

from models import evidence
from models import tables as t
from models.evidence import CLAIMS, Check, Claims
from schema import graphql_schema
from tests.graphql import errors, query

# The roots that list every record of a kind, and the parts of records that are cited on their own.
ROOTS = {
    "Country": "countries(first: 100) { nodes { %s } }",
    "Region": "regions(first: 100) { nodes { %s } }",
    "Person": "people(first: 100) { nodes { %s offices { %s } } }",
    "Theme": "themes(first: 100) { nodes { %s } }",
    "Relation": "relations(first: 100) { nodes { %s labels { %s } } }",
    "Agreement": "agreements(first: 100) { nodes { %s } }",
    "Event": "events(first: 100) { nodes { %s participants { %s } } }",
    "Mechanism": "mechanisms(first: 100) { nodes { %s } }",
    "Statistic": "statistics(first: 100) { nodes { %s } }",
}
PARTS = {"Person": "Office", "Relation": "RelationLabel", "Event": "EventParticipant"}
KEY_OF = {
    "PartialDate": "text",
    "Country": "code",
    "Relation": "slug",
    "Person": "slug",
    "Citation": "start end source { slug }",
}


def claims_of(typename: str) -> Claims:
    return next(claims for claims in CLAIMS.values() if claims.typename == typename)


def named_type(typename: str, field: str) -> Any:
    owner = graphql_schema._schema.get_type(typename)  # strawberry keeps graphql-core's schema there
    assert isinstance(owner, GraphQLObjectType)
    kind = owner.fields[field].type
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        kind = kind.of_type
    return kind


def selection(typename: str) -> str:
    """A record's claims, what decides whether each is claimed, and the evidence for each."""
    fields = ["__typename", "relation { slug }" if typename in ("Event", "Agreement", "Mechanism", "Statistic") else ""]
    extra = {
        "Country": "code standard successorBasis",
        "EventParticipant": "basis",
        "Office": "basis",
        "Relation": "slug",
    }
    fields.append(extra.get(typename, ""))
    for claim in claims_of(typename).rules.values():
        kind = named_type(typename, claim.name)
        inner = ""
        if kind.name.endswith("Connection"):  # a list of records the claim names, paged
            inner = f"(first: 100) {{ nodes {{ {KEY_OF[kind.name.removesuffix('Connection')]} }} }}"
        elif isinstance(kind, GraphQLObjectType):
            inner = f" {{ {KEY_OF[kind.name]} }}"
        passages = "excerpt start end source { slug }"
        fields.append(f"{claim.name}{inner} evidence_{claim.name}: evidence(claim: {claim.name!r}) {{ {passages} }}")
    return " ".join(field for field in fields if field).replace("'", '"')


def value_of(claim: evidence.Claim, served: Any) -> Any:
    """A served value as the checks read it: a date's text, a country's code, an enum's text."""
    if isinstance(served, list):
        return [value_of(claim, item) for item in served]
    if isinstance(served, dict) and "nodes" in served:
        return value_of(claim, served["nodes"])
    if isinstance(served, dict):
        return served.get("text") or served.get("code") or served.get("slug")
    if isinstance(served, str) and claim.check is Check.WORDS:
        return served.lower()
    return served


def claimed(typename: str, record: dict[str, Any], claim: evidence.Claim) -> Any:
    """The value a record claims, or None where it makes no claim: inferred links and standards' names."""
    if typename in ("EventParticipant", "Office") and claim.check is Check.NAMED and record["basis"] != "STATED":
        return None
    if typename == "Country" and claim.field == "name" and record["standard"]:
        return None
    if typename == "Country" and claim.field == "successor" and record["successorBasis"] != "STATED":
        return None
    value = value_of(claim, record[claim.name])
    return None if value in (None, [], "") else value


def walk(client: TestClient) -> list[tuple[str, dict[str, Any], str | None]]:
    """Every served record: its type, itself, and the relation it belongs to."""
    found: list[tuple[str, dict[str, Any], str | None]] = []
    for typename, root in ROOTS.items():
        parts = (selection(typename), selection(PARTS[typename])) if typename in PARTS else (selection(typename),)
        data = next(iter(query(client, "{ " + root % parts + " }").values()))
        for record in data["nodes"]:
            relation = record["slug"] if typename == "Relation" else (record.get("relation") or {}).get("slug")
            found.append((typename, record, relation))
            part = {"Person": "offices", "Relation": "labels", "Event": "participants"}.get(typename)
            found += [(PARTS[typename], item, relation) for item in record.get(part, [])]
    return found


def context_of(records: list[tuple[str, dict[str, Any], str | None]]) -> evidence.Context:
    names: dict[str, list[str]] = {}
    sections: dict[str, list[tuple[str, int, int]]] = {}
    for typename, record, _ in records:
        if typename == "Country":
            names[record["code"]] = [record["name"], record["shortName"] or "", *record["pageNames"]]
        elif typename == "Relation":
            sections[record["slug"]] = [(s["source"]["slug"], s["start"], s["end"]) for s in record["sections"]]
    return evidence.Context(names, sections)


def audit(client: TestClient) -> tuple[list[str], list[str]]:
    """Every claim served, checked against its passages: the claims checked, and those no passage proves."""
    records = walk(client)
    people = query(client, "{ people(first: 100) { nodes { slug name } } }")["people"]["nodes"]
    context = context_of(records)
    context = evidence.Context({**context.names, **{p["slug"]: [p["name"]] for p in people}}, context.sections)
    checked: list[str] = []
    unproved: list[str] = []
    for typename, record, relation in records:
        for claim in claims_of(typename).rules.values():
            value = claimed(typename, record, claim)
            if value is None:
                continue
            served = record[f"evidence_{claim.name}"]
            passages = [evidence.Passage(p["excerpt"], p["start"], p["end"], p["source"]["slug"]) for p in served]
            missing = evidence.unproven(claim, value, passages, evidence.Subject(relation), context)
            checked.append(f"{typename}.{claim.name}")
            if not passages or missing:
                unproved.append(f"{typename}.{claim.name} = {value!r}: {len(passages)} passages, unproved {missing}")
    return checked, unproved


def test_every_claim_served_has_a_passage_that_proves_it(client: TestClient):
    checked, unproved = audit(client)
    assert unproved == []
    # What the walk covered: every kind of check, and the claims the page makes most.
    assert len(checked) >= 150
    assert {"Event.date", "Event.place", "EventParticipant.country", "Statistic.value", "Statistic.qualifier"} <= set(
        checked
    )
    assert {"Agreement.signed", "Relation.status", "RelationLabel.text", "Country.pageNames"} <= set(checked)


def test_a_value_changed_behind_the_loader_s_back_is_caught(seeded: sa.Engine, seeded_client: TestClient):
    with seeded.begin() as connection:
        connection.execute(sa.update(t.event).where(t.event.c.slug == "summit-2013").values(place="Seoul"))
        connection.execute(
            sa.update(t.statistic).where(t.statistic.c.slug == "travellers-between-canada-and-korea").values(value=4400)
        )
    _, unproved = audit(seeded_client)
    assert unproved == [
        "Event.place = 'Seoul': 1 passages, unproved ['Seoul']",
        "Statistic.value = 4400.0: 1 passages, unproved [4400.0]",
    ]


def test_each_inferred_link_says_why_and_each_stated_one_does_not(client: TestClient):
    records = walk(client)
    links = [(t, r) for t, r, _ in records if t in ("EventParticipant", "Office")]
    inferred = [r for t, r in links if r["basis"] == "INFERRED"]
    document = """{ events(first: 100) { nodes { participants { basis reason } } }
      people(first: 100) { nodes { offices { basis reason } } } }"""
    data = query(client, document)
    served = [p for e in data["events"]["nodes"] for p in e["participants"]] + [
        o for p in data["people"]["nodes"] for o in p["offices"]
    ]
    assert len(served) == len(links)
    assert all(item["reason"] for item in served if item["basis"] == "INFERRED")
    assert all(item["reason"] is None for item in served if item["basis"] == "STATED")
    assert len(inferred) == sum(item["basis"] == "INFERRED" for item in served) > 0


def test_every_citation_names_claims_its_record_makes(client: TestClient):
    known = {claims.typename: {claim.name for claim in claims.rules.values()} for claims in CLAIMS.values()}
    document = "{ events(first: 100) { nodes { citations { supports } } } }"
    supports = [s for e in query(client, document)["events"]["nodes"] for c in e["citations"] for s in c["supports"]]
    assert "Event" in supports
    assert "Event.date" in supports
    for coordinate in supports:
        typename, _, field = coordinate.partition(".")
        assert field == "" or field in known[typename], coordinate


def test_a_name_from_the_standard_is_served_as_such_and_the_page_s_names_with_their_passages(client: TestClient):
    document = """{ country(code: "PRK") { name standard shortName pageNames
      evidence(claim: "pageNames") { excerpt supports } nameEvidence: evidence(claim: "name") { excerpt } } }"""
    north = query(client, document)["country"]
    assert (north["name"], north["standard"]) == ("Democratic People's Republic of Korea", "ISO 3166-1")
    assert north["nameEvidence"] == []  # a standard's name is never cited to the page
    assert north["pageNames"] == ["North Korea", "North Korean"]
    assert [p["excerpt"] for p in north["evidence"]] == [
        "strategic coordination on North Korea issues",
        "by addressing the North Korean Nuclear problem",
    ]
    joseon = query(client, '{ country(code: "JOSEON") { standard evidence(claim: "name") { excerpt } } }')["country"]
    assert joseon == {"standard": None, "evidence": [{"excerpt": "between the Joseon Dynasty and the U.S. in 1882"}]}


def test_the_record_itself_is_evidenced_by_every_passage_that_mentions_it(client: TestClient):
    data = query(client, '{ event(slug: "korean-war") { citations { excerpt } evidence(claim: "") { excerpt } } }')
    assert data["event"]["evidence"] == data["event"]["citations"]


def test_an_unknown_claim_is_refused_with_the_type_s_claims(client: TestClient):
    [error] = errors(client, '{ event(slug: "korean-war") { evidence(claim: "dat") { excerpt } } }')
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == ("Event has no claim 'dat'; its claims are: date, endDate, place, description, relation")


@pytest.mark.parametrize(
    ("slug", "claim", "excerpt"),
    [
        ("summit-2015", "date", "on the occasion of the Summit in 2015"),
        ("summit-2013", "place", "In 2013, when President Park Geun-hye and President Barack Obama held summit in"),
        ("korean-war", "endDate", "After the Korean War (1950–1953)"),
    ],
)
def test_an_event_s_evidence_for_one_field_is_one_hop_away(client: TestClient, slug, claim, excerpt):
    document = "query($slug: String!, $claim: String!) { event(slug: $slug) { evidence(claim: $claim) { excerpt } } }"
    passages = query(client, document, slug=slug, claim=claim)["event"]["evidence"]
    assert passages[0]["excerpt"].startswith(excerpt)
