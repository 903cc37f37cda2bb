"""A researcher's mistakes in a fixture, each answered with the file, the line, the entry and the fix.

The mistakes are made in a copy of the invented test page (tests/pages/), so line numbers stay put.
"""

import hashlib
import os
from pathlib import Path

import pytest

import seeds
from tests.conftest import INVENTED, NORTH_AMERICA, copy_page
from tests.servers import cli

PAGE = INVENTED.name


def broken(folder: Path, old: str, new: str, fixture: Path = INVENTED) -> Path:
    """A folder holding `fixture` with one edit, and its page text."""
    copy = copy_page(fixture, folder)
    text = copy.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the edit must change exactly one place: {old!r}"
    copy.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(seeds.FixtureError) as raised:
        seeds.read_fixtures(folder)
    return [str(problem) for problem in raised.value.problems]


SUMMIT = "events #2 (testland-summit-2010)"
MISTAKES = {
    "a line indented too little": (
        "    title: Summit in Test City\n",
        "   title: Summit in Test City\n",
        f"{PAGE}, line 76: {SUMMIT}: this line is indented differently from the lines above it: the fields of one "
        "entry start in the same column, and each entry of a list starts with `- `",
    ),
    "a line indented too much": (
        "    place: Test City\n",
        "      place: Test City\n",
        f"{PAGE}, line 78: {SUMMIT}: this line is indented differently from the lines above it: the fields of one "
        "entry start in the same column, and each entry of a list starts with `- `",
    ),
    "a title with a colon": (
        "    title: Summit in Test City\n",
        "    title: Summit: in Test City\n",
        f"{PAGE}, line 76: {SUMMIT}: the value on this line holds a colon followed by a space, which YAML reads as "
        'a new field: put the whole value in quotes, like `title: "Summit: the sequel"`',
    ),
    "a tab": (
        "    place: Test City\n",
        "\tplace: Test City\n",
        f"{PAGE}, line 78: {SUMMIT}: this line holds a tab: indent with spaces only",
    ),
    "an unclosed quote": (
        '      - quote: "The two countries held a summit in Test City in 2010"\n',
        '      - quote: "The two countries held a summit in Test City in 2010\n',
        f"{PAGE}, line 84: {SUMMIT}: a quote opens on this line and is never closed: end the value with the same quote",
    ),
    "a misspelt field": (
        '    participants:\n      - {country: KOR, role: party, basis: stated, cite: ["The two countries held',
        '    partcipants:\n      - {country: KOR, role: party, basis: stated, cite: ["The two countries held',
        f"{PAGE}, line 80: {SUMMIT}: `partcipants` is not a field: did you mean `participants`?",
    ),
    "a quote that is not in a list": (
        '    cite:\n      - quote: "Testland does not exist"\n        for: [page_names]\n',
        '    cite: "Testland does not exist"\n',
        f"{PAGE}, line 27: countries #2 (XTL): `cite` must be a list of quotes, each on its own line starting "
        "with `- `",
    ),
    "a kind of event that is not in the vocabulary": (
        "    kind: summit\n",
        "    kind: sumit\n",
        f"{PAGE}, line 75: {SUMMIT}: `kind`: 'sumit' is not one of the allowed values: did you mean `summit`? use "
        "one of relations_began, relations_suspended, relations_resumed, relations_established, war, "
        "rule_ended, military_deployment, agreement_signed, agreement_adopted, agreement_presented, summit, "
        "economic_development, security_threat, "
        "disruption (`cli.py vocabulary` says what each means; a new value is added in models/enums.py)",
    ),
    "a figure with a thousands separator": (
        "    value: 1250.5\n",
        "    value: 1,250.5\n",
        f"{PAGE}, line 90: statistics #1 (testland-cargo): `value`: '1,250.5' is not a number: write digits, with "
        "a point for decimals (26000, 12.5)",
    ),
    "a slug used twice": (
        "  - slug: testland-summit-2010\n",
        "  - slug: testland-relations-established-1999\n",
        f"{PAGE}, line 74: events #2 (testland-relations-established-1999): event "
        "'testland-relations-established-1999' is declared twice in this file (also events #1): keep one, or give "
        "the other its own key",
    ),
    "a quote that is not on the page": (
        '      - quote: "The two countries held a summit in Test City in 2010"\n',
        '      - quote: "The two countries held a summit in Test Town in 2010"\n',
        f"{PAGE}, line 84: {SUMMIT}: quote 'The two countries held a summit in Test Town in 2010': the quote is "
        "not on the page; the nearest passage is 'The two countries held a summit in Test City in 2010'",
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_mistake_is_reported_where_it_is_with_its_fix(mistake: str, tmp_path: Path):
    old, new, message = MISTAKES[mistake]
    assert problems(broken(tmp_path, old, new)) == [message]


def test_an_unknown_country_is_reported_once_per_entry_with_every_field_naming_it(tmp_path: Path):
    folder = broken(
        tmp_path,
        '    relation: [KOR, XTL]\n    participants:\n      - {country: KOR, role: party, basis: stated, cite: ["The'
        ' two countries held a summit"]}\n      - {country: XTL, role: host',
        '    relation: [KOR, MEX]\n    participants:\n      - {country: KOR, role: party, basis: stated, cite: ["The'
        ' two countries held a summit"]}\n      - {country: MEX, role: host',
    )
    assert problems(folder) == [
        f"{PAGE}, line 79: {SUMMIT}: unknown country 'MEX' in `relation`, `participants #2 country`: "
        "declare it under `countries:`"
    ]


def test_a_clash_between_files_blames_the_file_being_added_and_shows_what_differs(tmp_path: Path):
    copy_page(NORTH_AMERICA, tmp_path)
    broken(tmp_path, "    name: Republic of Korea\n", "    name: South Korea\n")
    older = (tmp_path / NORTH_AMERICA.name).stat().st_mtime
    os.utime(tmp_path / PAGE, (older + 60, older + 60))  # the invented page is the one being added
    assert problems(tmp_path) == [
        f"{PAGE}, line 13: countries #1 (KOR): country 'KOR' is also declared in {NORTH_AMERICA.name} (line 24), "
        "differently; declare it exactly as there, or leave it out of this file:\n"
        "      name: 'South Korea' here, 'Republic of Korea' there"
    ]


def test_a_page_text_that_is_not_utf8_is_named_as_such(tmp_path: Path):
    copy_page(INVENTED, tmp_path)
    text = tmp_path / INVENTED.with_suffix(".txt").name
    text.write_bytes(text.read_text(encoding="utf-8").replace("Test City", "Tést City").encode("latin-1"))
    fixture = tmp_path / PAGE
    digest = hashlib.sha256(text.read_bytes()).hexdigest()
    fixture.write_text(fixture.read_text(encoding="utf-8").replace(INVENTED_SHA256, digest), encoding="utf-8")
    assert problems(tmp_path) == [
        f"{PAGE}, line 6: the page's text invented-testland.txt is not UTF-8 text (its line 5 holds a character "
        "written in another encoding): save it again as UTF-8 (in most editors: Save As, Encoding: UTF-8)"
    ]


INVENTED_SHA256 = "887cd9d350b6e5c7becbd6ea5f9dc121d83fb81bbb23395102fc6ed853d5d2c4"


@pytest.mark.parametrize("command", ["check", "seed", "serve"])
def test_the_command_line_prints_the_problems_without_a_traceback(command: str, tmp_path: Path):
    folder = broken(tmp_path / "fixtures", "    place: Test City\n", "\tplace: Test City\n")
    database_url = f"sqlite:///{tmp_path / 'empty.db'}"
    ran = cli(command, inherit=False, BILATERAL_DATABASE_URL=database_url, BILATERAL_FIXTURES=str(folder))
    assert ran.returncode != 0
    assert "Traceback" not in ran.stderr
    assert f"{PAGE}, line 78: {SUMMIT}: this line holds a tab: indent with spaces only" in ran.stderr
    assert len(ran.stderr.splitlines()) <= 3
