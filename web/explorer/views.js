// The front page, a region, a country and search: each one GraphQL request for its nested data.

import { citationLink, citationList, claimed, mentions, refreshCitationLinks, sectionLink, supporting } from "./citations.js";
import { cards, h, header, section, snippet } from "./dom.js";
import { count, eventDate, label, pairName, partialDate } from "./format.js";
import { request } from "./graphql.js";
import { link, url } from "./state.js";
import { when } from "./timeline.js";

const COUNTRIES_PAGE = 50;
const RELATIONS_PAGE = 20;
const SEARCH_PAGE = 10;

/** A "show more" button that appends the next page of a list (its `nodes`, or what `items` takes of it), and says so. */
function showMore(text, { list, page, fetchPage, render, announce, items: taken = (next) => next.nodes }) {
  const button = h("button", { type: "button", class: "more", hidden: !page.pageInfo.hasNextPage }, text);
  let cursor = page.pageInfo.endCursor;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const next = await fetchPage(cursor);
      cursor = next.pageInfo.endCursor;
      const items = taken(next).map(render);
      list.append(...items);
      refreshCitationLinks(list);
      button.hidden = !next.pageInfo.hasNextPage;
      announce(`${items.length} more shown`);
      if (button.hidden && items[0]) {
        const target = items[0].querySelector("a, h2, h3") ?? items[0];
        target.focus();
      }
    } catch (error) {
      announce(`More could not be loaded: ${error.message}`);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

export async function homeView(_state, { announce }) {
  const data = await request("Home", { first: COUNTRIES_PAGE });
  const countryItem = (country) =>
    h(
      "li",
      {},
      h("a", { href: link.country(country.code) }, country.name),
      country.historical ? h("span", { class: "badge" }, "historical") : null,
      country.successor ? h("span", { class: "note" }, ` succeeded by ${country.successor.name}`) : null,
    );
  const countries = h("ul", { class: "columns" }, data.countries.nodes.map(countryItem));
  return {
    title: "Explorer",
    crumbs: [],
    content: [
      header(
        null,
        "Foreign relations, cited to the passage",
        h(
          "p",
          { class: "lead" },
          "Bilateral reads a government page about a country's foreign relations and turns it into facts: relations, events, agreements, people, figures. ",
          "Every fact links to the exact passage of the page it comes from. Choose a region or a country, or search.",
        ),
      ),
      cards("regions-title", "Regions", data.regions.nodes, (region) =>
        h(
          "li",
          { class: "card" },
          h("h3", {}, h("a", { href: link.region(region.code) }, region.name)),
          h("p", { class: "note" }, region.scheme),
          h("p", {}, region.countries.nodes.map((c, i) => [i ? ", " : "", h("a", { href: link.country(c.code) }, c.name)])),
        ),
      ),
      section(
        "countries-title",
        "Countries",
        h("p", { class: "note" }, count(data.countries.totalCount, "country", "countries and polities"), " named in the sources."),
        countries,
        showMore("Show more countries", {
          list: countries,
          page: data.countries,
          fetchPage: async (after) => (await request("Countries", { first: COUNTRIES_PAGE, after })).countries,
          render: countryItem,
          announce,
        }),
      ),
      cards("sources-title", "Sources", data.sources.nodes, (source) =>
        h(
          "li",
          { class: "card" },
          h("h3", {}, source.title),
          h("p", { class: "note" }, source.publisher, ` · ${count(source.length, "character")}`),
          h("p", {}, h("a", { href: url({ view: { name: "home", key: "" }, cite: { source: source.slug } }) }, "Read the whole page")),
        ),
      ),
    ],
  };
}

function relationItem(relation, own) {
  const others = relation.countries.filter((c) => c.code !== own);
  return h(
    "li",
    {},
    h("a", { href: link.relation(relation.slug) }, others.map((c) => c.name).join(" – ") || pairName(relation.countries)),
    h(
      "span",
      { class: "note" },
      " · ",
      claimed(label(relation.status), relation.statusEvidence, "Relation.status"),
      relation.established && [" · established ", claimed(partialDate(relation.established), relation.establishedEvidence, "Relation.established")],
    ),
  );
}

export async function regionView(state) {
  const data = await request("Region", { code: state.view.key.toLowerCase() });
  const region = data.region;
  if (!region) return null;
  return {
    title: region.name,
    crumbs: [{ label: region.name }],
    content: [
      header("Region", region.name, h("p", { class: "note" }, `A grouping by the ${region.scheme}.`), region.description && h("p", {}, region.description)),
      citationList(region.citations, { label: "Where the page names this region" }),
      cards("members-title", "Countries and their relations", region.countries.nodes, (country) =>
        h(
          "li",
          { class: "card" },
          h("h3", {}, h("a", { href: link.country(country.code) }, country.name)),
          country.relations.nodes.length
            ? h("ul", { class: "plain" }, country.relations.nodes.map((relation) => relationItem(relation, country.code)))
            : h("p", { class: "note" }, "No relations recorded."),
        ),
      ),
    ],
  };
}

/** Of a country's passages for the names the page uses, those where `name` stands as a word. */
function naming(citations, name) {
  const word = new RegExp(`(?<!\\w)${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?!\\w)`, "i");
  return citations.filter((citation) => word.test(citation.excerpt));
}

/** The names the page uses for a country, each marked with the passages that use it. */
function pageNames(country) {
  const cited = supporting(country.citations, "Country.pageNames");
  const names = country.pageNames.filter((name) => name !== country.shortName);
  if (!country.shortName && !names.length) return null;
  const named = (name) => claimed(name, naming(cited, name), "Country.pageNames", name);
  return h(
    "p",
    { class: "note page-names" },
    country.shortName ? ["The page calls it ", claimed(country.shortName, country.citations, "Country.shortName"), ". "] : null,
    names.length ? ["Names it uses: ", names.map((name, i) => [i ? ", " : "", named(name)]), "."] : null,
  );
}

function relationCard(relation) {
  const counterpart = relation.counterpart;
  return h(
    "li",
    { class: "card relation", dataset: { slug: relation.slug } },
    h("p", { class: "kind" }, claimed(label(relation.status), relation.citations, "Relation.status")),
    h("h2", {}, h("a", { href: link.relation(relation.slug) }, counterpart ? counterpart.name : relation.slug)),
    relation.milestones.nodes.length
      ? h(
          "ul",
          { class: "milestones", "aria-label": "How the relation began" },
          relation.milestones.nodes.map((event) =>
            h("li", {}, h("strong", {}, `${label(event.kind)}: `, when(event)), " ", citationList(event.citations)),
          ),
        )
      : null,
    relation.labels.length
      ? h("p", { class: "labels" }, "Called ", relation.labels.map((l, i) => [i ? ", " : "", claimed(`“${l.text}”`, l.citations, "RelationLabel.text", l.text)]))
      : null,
    relation.summary && h("p", { class: "summary" }, relation.summary),
    citationList(mentions(relation)),
    sectionLink(relation.citations),
    h("p", {}, h("a", { href: link.relation(relation.slug) }, `Timeline of ${count(relation.events.totalCount, "event")}, agreements, figures and people`)),
  );
}

export async function countryView(state, { announce }) {
  const code = state.view.key.toUpperCase();
  const data = await request("Country", { code, first: RELATIONS_PAGE });
  const country = data.country;
  if (!country) return null;
  const relations = h("ul", { class: "cards" }, country.relations.nodes.map(relationCard));
  const notes = [
    country.historical && "A historical polity.",
    country.successor && `Succeeded by ${country.successor.name}.`,
    country.predecessors.length && `Succeeded ${country.predecessors.map((p) => p.name).join(", ")}.`,
  ].filter(Boolean);
  return {
    title: country.name,
    crumbs: [...country.regions.map((r) => ({ label: r.name, href: link.region(r.code) })), { label: country.name }],
    content: [
      header(
        country.regions.map((r) => r.name).join(", ") || "Country",
        country.name,
        pageNames(country),
        notes.length ? h("p", {}, notes.join(" ")) : null,
      ),
      citationList(country.citations, { label: "Where the page names it" }),
      section(
        "relations-title",
        "Relations",
        h("p", { class: "note" }, count(country.relations.totalCount, "bilateral relation"), "."),
        relations,
        showMore("Show more relations", {
          list: relations,
          page: country.relations,
          fetchPage: async (after) => (await request("CountryRelations", { code, first: RELATIONS_PAGE, after })).country.relations,
          render: relationCard,
          announce,
        }),
      ),
    ],
  };
}

// A hit's title is the search index's; any kind search finds is shown by its type, title and snippet.
function hitTitle(edge) {
  const item = edge.node;
  const relation = item.relation;
  if (item.__typename === "Citation") return "A passage of the page";
  return relation ? h("a", { href: link.relation(relation.slug) }, edge.title) : edge.title;
}

function hitKind(item) {
  const kind = item.eventKind ?? item.agreementKind ?? item.mechanismKind;
  const type = { Statistic: "Figure", Citation: "Passage" }[item.__typename] ?? item.__typename;
  return [type, kind && label(kind), item.date || item.endDate ? eventDate(item) : null].filter(Boolean).join(" · ");
}

function hit(edge) {
  const item = edge.node;
  const citations = item.__typename === "Citation" ? h("p", {}, citationLink(item)) : citationList(item.citations);
  return h(
    "li",
    { class: "card hit" },
    h("p", { class: "kind" }, hitKind(item)),
    h("h2", {}, hitTitle(edge)),
    h("p", { class: "snippet" }, snippet(edge.snippet)),
    citations,
  );
}

export async function searchView(state, { announce }) {
  const query = state.view.key;
  const data = await request("Search", { query, first: SEARCH_PAGE });
  const results = h("ol", { class: "cards hits" }, data.search.edges.map(hit));
  return {
    title: `Search: ${query}`,
    crumbs: [{ label: `Search: ${query}` }],
    content: [
      header("Search", `“${query}”`, h("p", { class: "note" }, `${count(data.search.totalCount, "match", "matches")}, best first.`)),
      data.search.totalCount ? results : h("p", {}, "Nothing in the sources holds every one of these words."),
      showMore("Show more matches", {
        list: results,
        page: data.search,
        fetchPage: async (after) => (await request("Search", { query, first: SEARCH_PAGE, after })).search,
        render: hit,
        items: (next) => next.edges,
        announce,
      }),
    ],
  };
}
