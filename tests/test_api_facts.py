"""The API answers what the source says, exactly as it says it."""

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.graphql import query


def test_canada_and_korea_established_relations_in_1963(client: TestClient):
    data = query(
        client, '{ relation(between: {a: "CAN", b: "KOR"}) { established { text precision earliest latest } } }'
    )
    assert data["relation"]["established"] == {
        "text": "1963",
        "precision": "YEAR",
        "earliest": "1963-01-01",
        "latest": "1963-12-31",
    }


def test_the_pair_can_be_named_in_either_order(client: TestClient):
    one = query(client, '{ relation(between: {a: "KOR", b: "CAN"}) { id slug } }')
    other = query(client, '{ relation(between: {a: "can", b: "kor"}) { id slug } }')
    assert one == other
    assert one["relation"]["slug"] == "CAN-KOR"


KOREA_US_EVENTS = """
{
  relation(between: {a: "KOR", b: "USA"}) {
    established { text }
    events(first: 100) {
      nodes {
        slug kind title place
        date { text } endDate { text }
        agreement { title signed { text } }
        participants { role basis country { code } person { name offices { title basis country { code } } } }
      }
    }
  }
}
"""


def test_korea_us_relations_have_no_establishment_date(client: TestClient):
    assert query(client, KOREA_US_EVENTS)["relation"]["established"] is None


def test_korea_us_relations_began_with_the_1882_treaty(client: TestClient):
    events = {event["slug"]: event for event in query(client, KOREA_US_EVENTS)["relation"]["events"]["nodes"]}
    began = events["relations-begin-1882"]
    assert (began["kind"], began["date"]) == ("RELATIONS_BEGAN", {"text": "1882"})
    assert began["agreement"] == {"title": "Treaty of Friendship, Commerce and Navigation", "signed": None}
    assert {p["country"]["code"] for p in began["participants"]} == {"JOSEON", "USA"}


def test_the_korean_war_ran_from_1950_to_1953(client: TestClient):
    events = {event["slug"]: event for event in query(client, KOREA_US_EVENTS)["relation"]["events"]["nodes"]}
    war = events["korean-war"]
    assert (war["kind"], war["date"], war["endDate"]) == ("WAR", {"text": "1950"}, {"text": "1953"})


def test_the_2013_summit_brought_both_presidents_together_in_washington(client: TestClient):
    events = {event["slug"]: event for event in query(client, KOREA_US_EVENTS)["relation"]["events"]["nodes"]}
    summit = events["summit-2013"]
    assert (summit["kind"], summit["date"], summit["place"]) == ("SUMMIT", {"text": "2013"}, "Washington D.C.")
    people = {p["person"]["name"]: p for p in summit["participants"] if p["person"]}
    assert set(people) == {"Park Geun-hye", "Barack Obama"}
    assert all(p["basis"] == "STATED" for p in people.values())
    assert people["Park Geun-hye"]["person"]["offices"] == [
        {"title": "President", "basis": "INFERRED", "country": {"code": "KOR"}}
    ]
    assert summit["agreement"]["title"].startswith("Joint Declaration in Commemoration of the 60th Anniversary")


def test_events_of_a_relation_come_in_date_order_undated_last(client: TestClient):
    nodes = query(client, KOREA_US_EVENTS)["relation"]["events"]["nodes"]
    dated = [event["date"]["text"][:4] for event in nodes if event["date"]]
    assert dated == sorted(dated)
    assert nodes[-1]["date"] is None
    assert nodes[0]["slug"] == "relations-begin-1882"


def test_more_than_26000_canadian_troops_served_in_the_korean_war(client: TestClient):
    data = query(
        client,
        """{ statistic(slug: "canadian-troops-deployed-korean-war") {
              value qualifier unit period { text } country { code } event { slug } citations { excerpt } } }""",
    )
    assert data["statistic"] == {
        "value": 26000,
        "qualifier": "MORE_THAN",
        "unit": "troops",
        "period": {"text": "1950/1953"},
        "country": {"code": "CAN"},
        "event": {"slug": "canadian-troops-korean-war"},
        "citations": [{"excerpt": "more than 26,000 Canadian troops were deployed during the Korean War(1950-53)"}],
    }


def test_korus_was_signed_in_2007_and_its_entry_into_force_is_unknown(client: TestClient):
    data = query(
        client, '{ agreement(slug: "korus-fta") { shortName kind signed { text } inForce { text } parties { code } } }'
    )
    assert data["agreement"] == {
        "shortName": "KORUS FTA",
        "kind": "FREE_TRADE_AGREEMENT",
        "signed": {"text": "2007"},
        "inForce": None,
        "parties": [{"code": "KOR"}, {"code": "USA"}],
    }


@pytest.mark.one_page
def test_traversal_runs_both_ways(client: TestClient):
    data = query(
        client,
        """{
          country(code: "KOR") { relations { nodes { counterpart(of: "KOR") { code } } } }
          person(slug: "barack-obama") { events { nodes { slug relation { slug } } } }
          event(slug: "summit-2015") { mechanisms { nodes { name level } } }
          agreement(slug: "mutual-defense-treaty") {
            events { nodes { slug } } parties { code agreements { nodes { slug } } } }
          joseon: country(code: "JOSEON") { historical successor { code predecessors { code } } }
          region(code: "north-america") { countries { nodes { code regions { code } } } }
        }""",
    )
    assert [r["counterpart"]["code"] for r in data["country"]["relations"]["nodes"]] == ["CAN", "USA"]
    assert data["person"]["events"]["nodes"] == [{"slug": "summit-2013", "relation": {"slug": "KOR-USA"}}]
    assert {m["name"]: m["level"] for m in data["event"]["mechanisms"]["nodes"]} == {
        "Foreign and Defense Ministers' 2+2 meetings": "MINISTERIAL",
        "High-level Commission on Nuclear Energy": None,
        "Senior Economic Dialogue": None,
    }
    assert data["agreement"]["events"]["nodes"] == [{"slug": "mutual-defense-treaty-signed"}]
    parties = data["agreement"]["parties"]
    assert all("mutual-defense-treaty" in [a["slug"] for a in p["agreements"]["nodes"]] for p in parties)
    assert data["joseon"] == {"historical": True, "successor": {"code": "KOR", "predecessors": [{"code": "JOSEON"}]}}
    assert data["region"]["countries"]["nodes"] == [
        {"code": "CAN", "regions": [{"code": "north-america"}]},
        {"code": "USA", "regions": [{"code": "north-america"}]},
    ]


def test_a_missing_entity_is_null(client: TestClient):
    data = query(
        client,
        '{ country(code: "XXX") { name } relation(between: {a: "KOR", b: "JPN"}) { slug } event(slug: "x") { slug } }',
    )
    assert data == {"country": None, "relation": None, "event": None}


CITATION = "citations { excerpt start end source { slug } }"
EVERY_CITATION = f"""
{{
  sources(first: 100) {{ nodes {{ slug text }} }}
  regions(first: 100) {{ nodes {{ {CITATION} }} }}
  countries(first: 100) {{ nodes {{ {CITATION} }} }}
  relations(first: 100) {{ nodes {{ {CITATION} labels {{ {CITATION} }} }} }}
  events(first: 100) {{ nodes {{ {CITATION} participants {{ {CITATION} }} }} }}
  agreements(first: 100) {{ nodes {{ {CITATION} }} }}
  people(first: 100) {{ nodes {{ {CITATION} offices {{ {CITATION} }} }} }}
  mechanisms(first: 100) {{ nodes {{ {CITATION} }} }}
  statistics(first: 100) {{ nodes {{ {CITATION} }} }}
  themes(first: 100) {{ nodes {{ {CITATION} }} }}
}}
"""


def _citations(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        found = [c for key, inner in value.items() if key == "citations" for c in inner]
        return found + [c for key, inner in value.items() if key != "citations" for c in _citations(inner)]
    if isinstance(value, list):
        return [c for item in value for c in _citations(item)]
    return []


def test_every_citation_is_the_passage_its_offsets_point_to(client: TestClient):
    data = query(client, EVERY_CITATION)
    texts = {source["slug"]: source["text"] for source in data.pop("sources")["nodes"]}
    citations = _citations(data)
    assert len(citations) > 80
    for citation in citations:
        text = texts[citation["source"]["slug"]]
        assert citation["excerpt"] == text[citation["start"] : citation["end"]]


def written(year_text: str) -> set[str]:
    """How the page may write a year of a date text: `1953`, `-53` in a range, `1960s` for `196X`."""
    if year_text.endswith("X"):
        return {f"{year_text[:3]}0s"}
    return {year_text, f"-{year_text[2:]}"}


def test_every_date_of_an_event_or_agreement_is_in_one_of_its_excerpts(client: TestClient):
    data = query(
        client,
        """{ events(first: 100) { nodes { slug date { text } endDate { text } citations { excerpt } } }
             agreements(first: 100) { nodes { slug signed { text } adopted { text } citations { excerpt } } } }""",
    )
    unsupported = []
    for item in [*data["events"]["nodes"], *data["agreements"]["nodes"]]:
        excerpts = " | ".join(citation["excerpt"] for citation in item["citations"])
        for name in ("date", "endDate", "signed", "adopted"):
            for part in (item.get(name) or {}).get("text", "").split("/"):
                if part and not any(form in excerpts for form in written(part[:4])):
                    unsupported.append((item["slug"], name, part))
    assert unsupported == []


def test_the_2017_meeting_in_washington_and_the_summit_in_2017_are_two_records_the_page_never_identifies(
    client: TestClient,
):
    document = """{ meeting: event(slug: "summit-2017") { kind place agreement { slug } citations { excerpt } }
      summit: event(slug: "summit-2017-economic-cooperation") { kind place description citations { excerpt } } }"""
    data = query(client, document)
    meeting, summit = data["meeting"], data["summit"]
    assert (meeting["kind"], meeting["place"]) == ("SUMMIT", "Washington D.C.")
    assert meeting["agreement"] == {"slug": "joint-statement-2017"}
    assert all(not citation["excerpt"].startswith("During the Summit in 2017") for citation in meeting["citations"])
    assert (summit["kind"], summit["place"]) == ("SUMMIT", None)
    assert summit["citations"][0]["excerpt"].startswith("During the Summit in 2017")
    assert "does not say whether" in summit["description"]


def test_that_the_joseon_dynasty_s_successor_is_the_rok_is_inferred_not_stated(client: TestClient):
    joseon = query(client, '{ country(code: "JOSEON") { successor { code } successorBasis } }')["country"]
    assert joseon == {"successor": {"code": "KOR"}, "successorBasis": "INFERRED"}
    assert query(client, '{ country(code: "KOR") { successorBasis } }')["country"] == {"successorBasis": None}
