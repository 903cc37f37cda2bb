"""The explorer and GraphiQL in a real browser: Debian's Chromium, driven by Playwright, offline.

Each test is a reader's visit, on a desktop and on a phone. Every request to another host is
blocked, and a visit fails on any console error, failed request or error status. Screenshots go
to var/screenshots/.
"""

import json
import re
import shutil
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Error,
    FloatRect,
    Locator,
    Page,
    Request,
    Response,
    Route,
    ViewportSize,
    expect,
    sync_playwright,
)
from starlette.testclient import TestClient

from settings import ROOT
from tests import axe
from tests.conftest import missing_service
from tests.servers import running_server
from web import playground

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = ROOT / "var" / "screenshots"
VIEWPORTS: dict[str, ViewportSize] = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LOCAL_HOSTS = ["127.0.0.1", "localhost", "::1"]
NO_PROXY_PORT = 9  # the discard port, closed here
AXE_URL = "/__tests__/axe.min.js"
KOREAN_WAR_PASSAGE = "source=mofa-north-america&passage=637-669"
EXAMPLES = [
    playground.FIRST_EXAMPLE,
    *sorted(p for p in playground.EXAMPLES.glob("*.graphql") if p != playground.FIRST_EXAMPLE),
]


def test_the_page_loads_nothing_from_elsewhere(client: TestClient):
    page = client.get("/graphql", headers={"Accept": "text/html"}).text
    assert "unpkg" not in page
    assert "https://" not in page.replace("http://www.w3.org/2000/svg", "")
    for asset in playground.assets():
        assert asset.local_url in page
        served = client.get(asset.local_url)
        assert served.status_code == 200
        assert asset.verify(served.content)


def test_without_its_assets_the_page_says_how_to_install_them(client: TestClient, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(playground, "DIRECTORY", tmp_path)
    response = client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert "cli.py assets" in response.text


@pytest.fixture(scope="module")
def chromium() -> str:
    if CHROMIUM is None:
        missing_service("browser", "no chromium on this machine (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="module")
def server(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`make serve`'s server on a new SQLite database: its base URL and its log."""
    folder = tmp_path_factory.mktemp("served")
    log = folder / "server.log"
    with running_server(f"sqlite:///{folder / 'bilateral.db'}", log) as base:
        yield base, log


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
            # Every other host is blocked: its requests go to a proxy that is not there. (Routing every request
            # through Playwright would block them too, but it turns the browser's HTTP cache off.)
            proxy={"server": f"http://127.0.0.1:{NO_PROXY_PORT}", "bypass": ",".join(LOCAL_HOSTS)},
        )
        yield launched
        launched.close()


class Visit:
    """A page in a fresh profile, and everything that went wrong on it."""

    def __init__(self, page: Page, viewport: str, base: str) -> None:
        self.page, self.viewport, self.base = page, viewport, base
        self.problems: list[str] = []

    def screenshot(self, name: str) -> Path:
        path = SCREENSHOTS / f"{self.viewport}-{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=path)
        return path


@pytest.fixture(params=list(VIEWPORTS))
def visit(request: pytest.FixtureRequest, browser: Browser, server: tuple[str, Path]) -> Iterator[Visit]:
    base, _ = server
    context = browser.new_context(viewport=VIEWPORTS[request.param], base_url=base)
    page = context.new_page()
    seen = Visit(page, request.param, base)

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.problems.append(f"console: {message.text}")

    def page_error(error: Error) -> None:
        seen.problems.append(f"page error: {error}")

    def request_failed(request: Request) -> None:
        if urlsplit(request.url).hostname not in LOCAL_HOSTS:
            seen.problems.append(f"blocked a request to another host: {request.url}")
        elif request.failure != "net::ERR_ABORTED":  # a reload or a new address cancels what is still loading
            seen.problems.append(f"failed: {request.url} {request.failure}")

    def response(response: Response) -> None:
        if response.status >= 400:
            seen.problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", console)
    page.on("pageerror", page_error)
    page.on("requestfailed", request_failed)
    page.on("response", response)
    try:
        yield seen
    finally:
        context.close()
    assert seen.problems == []


def source_text(base: str) -> str:
    document = '{ source(slug: "mofa-north-america") { text } }'
    request = urllib.request.Request(
        f"{base}/graphql", json.dumps({"query": document}).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text: str = json.load(response)["data"]["source"]["text"]
    return text


def attribute(locator: Locator, name: str) -> str:
    value = locator.get_attribute(name)
    assert value is not None, f"no {name}"
    return value


def box(locator: Locator) -> FloatRect:
    drawn = locator.bounding_box()
    assert drawn is not None
    return drawn


def number(pattern: str, text: str | None) -> int:
    found = re.search(pattern, text or "")
    assert found, f"{pattern} not in {text}"
    return int(found.group(1))


def highlighted(page: Page) -> str:
    marks = page.locator("#source mark.current")
    expect(marks.first).to_be_visible()
    return "".join(marks.all_text_contents())


def test_make_serve_says_where_the_explorer_and_graphiql_are(server: tuple[str, Path]):
    base, log = server
    text = log.read_text()
    assert f"Bilateral's explorer: {base}/" in text
    assert f"GraphiQL (and the GraphQL endpoint): {base}/graphql" in text


def test_choosing_canada_shows_its_relation_and_the_passage_behind_its_establishment(visit: Visit):
    page = visit.page
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="Canada", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/\?country=CAN$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Canada")
    card = page.locator("li.relation", has_text="Republic of Korea")
    expect(card).to_contain_text("Relations established: 1963")
    citation = card.locator(".milestones a.cite", has_text="Since the establishment of diplomatic relations in 1963")
    expect(citation).to_be_visible()
    visit.screenshot("country")

    citation.focus()
    page.keyboard.press("Enter")  # the keyboard alone opens the passage
    start, end = map(int, attribute(citation, "data-passage").split("-"))
    expect(page).to_have_url(re.compile(rf"source=mofa-north-america&passage={start}-{end}"))
    assert highlighted(page) == source_text(visit.base)[start:end]
    assert highlighted(page) == "Since the establishment of diplomatic relations in 1963"
    expect(page.locator("#source-title")).to_be_focused()
    expect(page.locator("#source mark.current")).to_be_in_viewport()
    visit.screenshot("citation")

    page.keyboard.press("Escape")
    expect(page.locator("#source")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/\?country=CAN$"))
    expect(citation).to_be_focused()


def test_a_citation_marks_the_other_passages_of_its_record(visit: Visit):
    page = visit.page
    page.goto("/?relation=KOR-USA")
    war = page.locator("#event-korean-war")
    war.locator("a.cite", has_text="After the Korean War (1950–1953)").click()
    assert highlighted(page) == "After the Korean War (1950–1953)"
    also = page.locator("#source mark.also")
    text = source_text(visit.base)
    marked = [(int(attribute(m, "data-start")), int(attribute(m, "data-end"))) for m in also.all()]
    assert marked
    assert all(
        text[s:e] in "more than 26,000 Canadian troops were deployed during the Korean War(1950-53)" for s, e in marked
    )


def marked(page: Page) -> list[tuple[str, str]]:
    """The passages the source panel marks, in text order: each one's text and whether it is `current` or `also`."""
    marks = page.locator("#source mark")
    expect(marks.first).to_be_visible()
    return [
        (mark.text_content() or "", "current" if "current" in attribute(mark, "class").split() else "also")
        for mark in marks.all()
    ]


SUMMIT_2013_PLACE = "In 2013, when President Park Geun-hye and President Barack Obama held summit in Washington D.C."


def test_a_values_marker_opens_exactly_the_passages_that_give_that_value(visit: Visit):
    page = visit.page
    page.goto("/?relation=KOR-USA&kind=SUMMIT")
    summit = page.locator("#event-summit-2013")
    expect(summit.locator("a.cite")).not_to_have_count(0)  # the event has other passages, which stay unmarked
    marker = page.get_by_role("link", name="Where the page gives the place")
    place = summit.locator(".facts .claimed", has=marker)
    expect(place).to_have_text(re.compile(r"^Washington D\.C\.¶"))
    summit.scroll_into_view_if_needed()
    visit.screenshot("markers")

    place.locator("a").click()
    expect(page).to_have_url(re.compile(r"passage=1897-1992&claim=Event\.place$"))
    assert marked(page) == [(SUMMIT_2013_PLACE, "current")]
    expect(page.locator("#source .source-meta")).to_contain_text("The highlighted passage gives the place")
    expect(page.locator("#source mark.current")).to_be_in_viewport()
    visit.screenshot("marker-passage")

    page.go_back()
    expect(page.locator("#source")).to_be_hidden()
    page.go_forward()
    assert marked(page) == [(SUMMIT_2013_PLACE, "current")]
    page.get_by_role(
        "button", name="Close the source"
    ).click()  # back to the marker, not to the quote of the same passage
    expect(page.locator("#source")).to_be_hidden()
    expect(place.locator("a")).to_be_focused()

    page.goto("/?relation=KOR-USA")
    war = page.locator("#event-korean-war")
    war.get_by_role("link", name="Where the page gives the date").click()
    assert marked(page) == [
        ("After the Korean War (1950–1953)", "current"),
        ("deployed during the Korean War(1950-53)", "also"),
    ]
    page.keyboard.press("Escape")
    war.get_by_role("link", name="Where the page names Canada").click()
    assert marked(page) == [
        ("more than 26,000 Canadian troops were deployed during the Korean War(1950-53)", "current")
    ]
    page.keyboard.press("Escape")
    # Korea and the United States are inferred parties: no passage names them, so they have no marker.
    expect(war.locator(".facts")).to_contain_text("Republic of Korea (inferred)")
    expect(
        war.get_by_role("link", name=re.compile("Where the page names (Republic of Korea|United States)"))
    ).to_have_count(0)


def test_a_figures_qualifier_has_a_marker_of_its_own(visit: Visit):
    page = visit.page
    page.goto("/?relation=CAN-KOR")
    troops = page.locator("#figure-canadian-troops-deployed-korean-war")
    expect(troops.locator(".value")).to_have_text(re.compile(r"^more than¶.* 26,000 troops¶"))
    qualifier = troops.get_by_role("link", name="Where the page qualifies the figure")
    marker = page.get_by_role("link", name="Where the page qualifies the figure")
    expect(troops.locator(".claimed", has=marker)).to_have_text(re.compile(r"^more than¶"))
    troops.scroll_into_view_if_needed()
    visit.screenshot("figure-markers")

    qualifier.click()
    expect(page).to_have_url(re.compile(r"claim=Statistic\.qualifier$"))
    [(passage, kind)] = marked(page)
    assert kind == "current"
    assert passage == "more than 26,000 Canadian troops were deployed during the Korean War(1950-53)"
    page.keyboard.press("Escape")

    # 516 lost their lives: an exact figure, whose qualifier the view does not write, so it has no marker.
    lost = page.locator("#figure-canadian-troops-lost-lives-korean-war")
    expect(lost.get_by_role("link", name="Where the page qualifies the figure")).to_have_count(0)
    lost.get_by_role("link", name="Where the page gives the figure").click()
    deployed = "more than 26,000 Canadian troops were deployed during the Korean War(1950-53)"
    assert marked(page) == [(f"{deployed}, of which 516 lost their lives", "current")]


def test_a_region_marks_each_relations_standing_with_its_own_passages(visit: Visit):
    page = visit.page
    page.goto("/?region=north-america")
    united_states = page.locator("li.card", has=page.get_by_role("heading", name="United States of America"))
    expect(united_states).to_contain_text("Republic of Korea · Alliance¶")
    united_states.get_by_role("link", name="Where the page gives the standing of the relation").click()
    alliance = "The ROK -U.S. alliance still stands as the main pillar of peace and security for the Korean Peninsula"
    allied = (
        "Building on their allied partnership, the ROK and the U.S. have expanded the scope and depth of cooperation"
    )
    assert marked(page) == [(alliance, "current"), (allied, "also")]
    expect(page.locator("#source .source-meta")).to_contain_text("Another passage that does is underlined.")


def test_a_relations_section_opens_whole_and_is_not_listed_as_a_quote(visit: Visit):
    page = visit.page
    page.goto("/?relation=KOR-USA")
    said = page.get_by_role("region", name="What the page says")
    expect(said.locator("a.cite").first).to_be_visible()
    quotes = said.locator("a.cite q").all_text_contents()
    assert quotes
    assert not [quote for quote in quotes if quote.startswith("The ROK-US Relations")]
    said.get_by_role("link", name="The page's whole section on this relation").click()
    expect(page).to_have_url(re.compile(r"claim=Relation\.sections$"))
    section = source_text(visit.base)[179:3935]
    assert section.startswith("The ROK-US Relations")
    assert marked(page) == [(section, "current")]


def _fraction(day: date, axis_from: date, axis_to: date) -> float:
    return (day - axis_from) / (axis_to + timedelta(days=1) - axis_from)


def test_the_korea_us_timeline_draws_the_korean_war_as_a_span_and_filters_by_kind(visit: Visit):
    page = visit.page
    page.goto("/?country=KOR")
    united_states = page.locator("li.relation", has_text="United States of America")
    united_states.get_by_role("link", name=re.compile("^Timeline of .* events")).click()
    expect(page).to_have_url(re.compile(r"relation=KOR-USA"))
    war = page.locator("#event-korean-war")
    expect(war.locator("time")).to_have_text(["1950", "1953"])
    expect(war.locator(".when")).to_have_text(re.compile(r"^1950.*–1953"))
    bar = war.locator(".bar")
    expect(bar).to_have_class(re.compile(r"\bperiod\b"))
    assert (attribute(bar, "data-from"), attribute(bar, "data-to")) == ("1950-01-01", "1953-12-31")
    timeline = page.locator(".timeline")
    axis_from = date.fromisoformat(attribute(timeline, "data-axis-from"))
    axis_to = date.fromisoformat(attribute(timeline, "data-axis-to"))
    track, drawn = box(war.locator(".track")), box(bar)
    assert abs(drawn["x"] - (track["x"] + track["width"] * _fraction(date(1950, 1, 1), axis_from, axis_to))) < 1.5
    span = track["width"] * (
        _fraction(date(1954, 1, 1), axis_from, axis_to) - _fraction(date(1950, 1, 1), axis_from, axis_to)
    )
    minimum = float(bar.evaluate("bar => parseFloat(getComputedStyle(bar).minWidth)"))
    assert abs(drawn["width"] - max(span, minimum)) < 1.5
    page.locator("#timeline-title").evaluate("heading => heading.scrollIntoView()")
    visit.screenshot("timeline")

    kind = page.get_by_label("Entity")
    summits = kind.locator("option", has_text="Summit").text_content()
    kind.focus()
    kind.select_option("SUMMIT")
    expect(page).to_have_url(re.compile(r"kind=SUMMIT"))
    rows = page.locator("li.event")
    expect(rows).to_have_count(number(r"\((\d+)\)", summits))
    assert set(rows.evaluate_all("rows => rows.map(row => row.dataset.kind)")) == {"SUMMIT"}
    expect(rows.filter(has_text="Summit in 2015")).to_have_count(1)
    expect(kind).to_be_focused()

    page.go_back()
    expect(page.get_by_label("Entity")).to_have_value("")
    expect(rows.filter(has_text="Korean War")).to_have_count(1)


def test_more_events_come_a_page_at_a_time_with_the_undated_apart(visit: Visit):
    page = visit.page
    page.goto("/?relation=KOR-USA")
    status = page.locator(".count")
    expect(status).to_have_text(re.compile(r"^Showing 10 of (\d+) events$"))
    total = number(r"of (\d+)", status.text_content())
    page.get_by_role("button", name="Show more events").click()
    expect(page.locator("li.event")).to_have_count(total)
    expect(page.get_by_role("button", name="Show more events")).to_be_hidden()
    undated = page.locator("section.undated")
    expect(undated).to_contain_text("A series of nuclear tests and missile launches")
    on_hold = page.locator("#event-relations-on-hold-japanese-rule")  # known only by its end
    expect(on_hold.locator("time")).to_have_text("1945")
    expect(on_hold.locator(".when")).to_have_text(re.compile(r"^until 1945"))
    expect(on_hold.locator(".bar")).to_have_class(re.compile(r"\bopen-start\b"))
    assert attribute(on_hold.locator(".bar"), "data-to") == "1945-12-31"


def test_a_permalink_reloaded_shows_the_same_view_and_back_and_forward_work(visit: Visit):
    page = visit.page
    page.goto("/?relation=KOR-USA")
    page.get_by_label("Decade").select_option("2010")
    # Wait for the filtered timeline: a click while the list is redrawn lands on whatever is drawn there.
    expect(page.locator(".count")).to_have_text(re.compile(r"matching events$"))
    summit = page.locator("#event-summit-2013")
    summit.locator("a.cite").first.click()
    shown = highlighted(page)
    permalink = page.url
    assert "decade=2010" in permalink
    assert "passage=" in permalink

    page.reload()
    expect(page).to_have_url(permalink)
    expect(page.get_by_label("Decade")).to_have_value("2010")
    assert highlighted(page) == shown
    years = page.locator("li.event time").all_text_contents()
    assert years
    assert all(year.startswith("201") for year in years)

    page.go_back()
    expect(page.locator("#source")).to_be_hidden()
    expect(page.get_by_label("Decade")).to_have_value("2010")
    page.go_back()
    expect(page.get_by_label("Decade")).to_have_value("")
    page.go_forward()
    expect(page.get_by_label("Decade")).to_have_value("2010")
    page.go_forward()
    assert highlighted(page) == shown


def test_each_view_is_one_persisted_query_over_get_which_the_browser_caches(visit: Visit, server: tuple[str, Path]):
    page = visit.page
    page.goto("/")
    expect(page.locator("main h1")).to_be_visible()
    asked: list[Request] = []
    page.on("request", lambda request: asked.append(request) if "/graphql" in request.url else None)
    page.get_by_role("main").get_by_role("link", name="Canada", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Canada")
    parameters = [parse_qs(urlsplit(request.url).query) for request in asked]
    assert {request.method for request in asked} == {"GET"}
    assert {p["operationName"][0] for p in parameters} == {"Country"}
    assert all("persistedQuery" in p["extensions"][0] for p in parameters)
    assert "query" not in parameters[0]  # the hash alone first; the document only if the server asks for it

    def back_to_canada() -> None:
        page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Explorer").click()
        expect(page.locator("main h1")).not_to_have_text("Canada")
        page.go_back()
        expect(page.get_by_role("heading", level=1)).to_have_text("Canada")

    back_to_canada()  # by now the server knows the query: its answer to the hash alone may be cached
    _, log = server
    seen = len(log.read_text())
    back_to_canada()
    assert "operationName=Country" not in log.read_text()[seen:]  # answered by the browser's HTTP cache


def test_what_a_reader_types_while_the_page_loads_is_kept(visit: Visit):
    page = visit.page
    held: list[Route] = []

    def hold(route: Route) -> None:  # Playwright takes a function of its own, not a bound builtin
        held.append(route)

    page.route(re.compile(r"/graphql\?.*operationName=Home"), hold)
    page.goto("/")
    box = page.get_by_role("searchbox", name="Search the sources")
    box.fill("nuclear")  # while the home view's query is held back
    while not held:
        page.wait_for_timeout(20)
    page.unroute(re.compile(r"/graphql\?.*operationName=Home"))
    for route in held:
        route.fallback()
    expect(page.get_by_role("heading", level=1)).to_have_text("Foreign relations, cited to the passage")
    expect(box).to_have_value("nuclear")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=nuclear$"))


def test_search_lists_hits_whose_marks_are_the_searched_word(visit: Visit):
    page = visit.page
    page.goto("/")
    page.get_by_role("searchbox", name="Search the sources").fill("nuclear")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=nuclear$"))
    hits = page.locator("li.hit")
    expect(hits).to_have_count(10)
    total = number(r"(\d+) match", page.locator("main header").text_content())
    page.get_by_role("button", name="Show more matches").click()
    expect(hits).to_have_count(total)
    marks = page.locator("li.hit .snippet mark").all_text_contents()
    assert len(marks) >= total
    assert {mark.lower() for mark in marks} == {"nuclear"}


@pytest.fixture(scope="module")
def axe_core() -> Path:
    try:
        return axe.script()
    except axe.AxeUnavailableError as error:
        missing_service("accessibility", str(error))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_explorer_has_no_serious_accessibility_violations(
    axe_core: Path, visit: Visit, scheme: Literal["light", "dark"]
):
    page = visit.page
    page.route(f"**{AXE_URL}", lambda route: route.fulfill(path=axe_core, content_type="text/javascript"))
    page.emulate_media(color_scheme=scheme)
    for url in (
        "/",
        "/?country=CAN",
        "/?q=nuclear",
        "/?relation=KOR-USA&source=mofa-north-america&passage=637-669",
        "/?region=north-america",
        "/?relation=CAN-KOR&source=mofa-north-america&passage=4270-4347&claim=Statistic.qualifier",
    ):
        page.goto(url)
        expect(page.locator("main h1")).to_be_visible()
        page.add_script_tag(url=AXE_URL)
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], f"{url} in {scheme}"


def test_the_explorer_follows_the_readers_colour_scheme(visit: Visit):
    page = visit.page
    backgrounds = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto("/")
        expect(page.locator("main h1")).to_be_visible()
        backgrounds[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert backgrounds["light"] != backgrounds["dark"]


def operation_name(path: Path) -> str:
    named = re.search(r"query (\w+)", path.read_text(encoding="utf-8"))
    assert named is not None, path
    return named.group(1)


def test_graphiql_opens_with_the_example_tabs_and_runs_one(visit: Visit):
    page = visit.page
    page.goto("/graphql")
    tabs = page.locator(".graphiql-tab-button")
    names = [operation_name(path) for path in EXAMPLES]
    expect(tabs).to_have_text(names)
    expect(page.locator(".graphiql-query-editor")).to_contain_text("Welcome to Bilateral's GraphiQL")
    visit.screenshot("graphiql")

    page.get_by_role("tab", name="Figures").click()
    expect(page.locator(".graphiql-query-editor")).to_contain_text("query Figures")
    # GraphiQL reads the new tab's operation name 100 ms after the switch, and sends the old one until then.
    page.wait_for_function("localStorage.getItem('graphiql:operationName') === 'Figures'")
    page.get_by_role("button", name="Execute query (Ctrl-Enter)").click()
    expect(page.locator(".result-window")).to_contain_text('"qualifier": "MORE_THAN"')

    page.reload()  # the visitor's tabs are saved, and they win over the examples
    expect(tabs).to_have_count(len(names))
    expect(page.get_by_role("tab", name="Figures")).to_have_attribute("aria-selected", "true")
    expect(page.locator(".graphiql-query-editor")).to_contain_text("query Figures")

    if visit.viewport == "desktop":
        page.get_by_role("button", name="Show Documentation Explorer").click()
        expect(page.locator(".graphiql-doc-explorer")).to_contain_text("Every fact points back to its passage.")
