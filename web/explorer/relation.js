// A relation: its standing, a timeline filtered by kind and decade, its agreements, mechanisms,
// figures, people and themes, each with the passages it comes from.

import { citationList, claimed, mentions, refreshCitationLinks, sectionLink } from "./citations.js";
import { cards, fill, h, header, section } from "./dom.js";
import { count, figure, label, pairName, partialDate } from "./format.js";
import { request } from "./graphql.js";
import { link } from "./state.js";
import { timeline } from "./timeline.js";

const PAGE = 10;

function eventFilter({ kind, decade }) {
  const filter = {};
  if (kind) filter.kind = { in: [kind] };
  if (decade !== null) filter.date = { from: decade, to: decade + 9 };
  return Object.keys(filter).length ? filter : null;
}

function variables(slug, filter, after = null) {
  const [a, b] = slug.split("-");
  const vars = { between: { a, b }, filter: eventFilter(filter), first: PAGE };
  if (after) vars.after = after;
  return vars;
}

/** Between values, `separator`; each value drawn by `draw`. */
function joined(values, separator, draw = (value) => value) {
  return values.map((value, i) => [i ? separator : "", draw(value)]);
}

function agreementDates(agreement) {
  const dates = [
    ["Signed", agreement.signed, "Agreement.signed"],
    ["Adopted", agreement.adopted, "Agreement.adopted"],
    ["In force", agreement.inForce, "Agreement.inForce"],
  ].filter(([, date]) => date);
  if (!dates.length) return "The page gives no date.";
  return joined(dates, " · ", ([name, date, claim]) => [`${name} `, claimed(partialDate(date), agreement.citations, claim)]);
}

function agreements(list) {
  return cards("agreements-title", "Agreements", list, (agreement) =>
    h(
      "li",
      { class: "card", id: `agreement-${agreement.slug}` },
      h("p", { class: "kind" }, label(agreement.kind)),
      h(
        "h3",
        {},
        claimed(agreement.title, agreement.citations, "Agreement.title"),
        agreement.shortName && [" (", claimed(agreement.shortName, agreement.citations, "Agreement.shortName"), ")"],
      ),
      h(
        "p",
        { class: "dates" },
        agreementDates(agreement),
        agreement.signed && !agreement.inForce ? " · The page does not say when it entered into force." : null,
      ),
      agreement.summary && h("p", {}, agreement.summary),
      agreement.parties.length ? h("p", { class: "parties" }, "Parties: ", agreement.parties.map((p) => p.name).join(", ")) : null,
      citationList(agreement.citations),
    ),
  );
}

function mechanisms(list) {
  return cards("mechanisms-title", "Mechanisms", list, (mechanism) =>
    h(
      "li",
      { class: "card", id: `mechanism-${mechanism.slug}` },
      h(
        "p",
        { class: "kind" },
        label(mechanism.kind),
        mechanism.level && [" · ", claimed(label(mechanism.level), mechanism.citations, "Mechanism.level")],
        mechanism.status && [" · ", claimed(label(mechanism.status), mechanism.citations, "Mechanism.status")],
      ),
      h(
        "h3",
        {},
        claimed(mechanism.name, mechanism.citations, "Mechanism.name"),
        mechanism.shortName && [" (", claimed(mechanism.shortName, mechanism.citations, "Mechanism.shortName"), ")"],
      ),
      mechanism.description && h("p", {}, mechanism.description),
      mechanism.originEvent && h("p", { class: "origin" }, "Agreed or launched at: ", mechanism.originEvent.title),
      citationList(mechanism.citations),
    ),
  );
}

function figures(list) {
  return cards("figures-title", "Figures", list, (statistic) =>
    h(
      "li",
      { class: "card figure", id: `figure-${statistic.slug}` },
      h("p", { class: "value" }, joined(figure(statistic), " ", ([text, field]) => claimed(text, statistic.citations, `Statistic.${field}`))),
      h("h3", {}, statistic.measure),
      h(
        "p",
        { class: "period" },
        statistic.period ? ["Period: ", claimed(partialDate(statistic.period), statistic.citations, "Statistic.period")] : "The page gives no period.",
      ),
      citationList(statistic.citations),
    ),
  );
}

function people(nodes) {
  const bySlug = new Map();
  for (const event of nodes) {
    for (const participant of event.participants) {
      if (!participant.person) continue;
      const entry = bySlug.get(participant.person.slug) ?? { person: participant.person, events: [] };
      if (!entry.events.includes(event.title)) entry.events.push(event.title);
      bySlug.set(participant.person.slug, entry);
    }
  }
  return cards("people-title", "People", [...bySlug.values()], ({ person, events }) =>
    h(
      "li",
      { class: "card", id: `person-${person.slug}` },
      h("h3", {}, claimed(person.name, person.citations, "Person.name")),
      person.offices.map((office) =>
        h(
          "p",
          { class: "office" },
          claimed(office.title, office.citations, "Office.title"),
          office.country && ` of ${office.country.name}`,
          office.basis === "INFERRED" ? " (inferred: the page does not say)" : null,
        ),
      ),
      h("p", { class: "events" }, "In: ", events.join("; ")),
      citationList(person.citations),
    ),
  );
}

function themes(list) {
  return cards(
    "themes-title",
    "Themes",
    list,
    (theme) => h("li", { class: "card", id: `theme-${theme.slug}` }, h("h3", {}, theme.name), theme.description && h("p", {}, theme.description), citationList(theme.citations)),
    "cards themes",
  );
}

function option(value, text, selected) {
  return h("option", { value, selected: selected ? true : null }, text);
}

/** The kind and decade filters; each change is a new URL, so the filtered timeline is a permalink. */
function filters(relation, filter, navigate) {
  const stats = relation.eventStats;
  const kinds = [...stats.byKind].sort((a, b) => label(a.kind).localeCompare(label(b.kind)));
  const decades = [...stats.byDecade].sort((a, b) => a.decade - b.decade);
  const kindSelect = h(
    "select",
    { id: "filter-kind", name: "kind" },
    option("", "All kinds", !filter.kind),
    kinds.map((k) => option(k.kind, `${label(k.kind)} (${k.count})`, k.kind === filter.kind)),
  );
  const decadeSelect = h(
    "select",
    { id: "filter-decade", name: "decade" },
    option("", "All years", filter.decade === null),
    decades.map((d) => option(String(d.decade), `${d.decade}s (${d.count})`, d.decade === filter.decade)),
  );
  const form = h(
    "form",
    { class: "filters", "aria-label": "Filter the timeline" },
    h("div", { class: "field" }, h("label", { for: "filter-kind" }, "Entity"), kindSelect),
    h("div", { class: "field" }, h("label", { for: "filter-decade" }, "Decade"), decadeSelect),
  );
  const apply = () => {
    const decade = decadeSelect.value ? Number(decadeSelect.value) : null;
    navigate({ view: { name: "relation", key: relation.slug }, filter: { kind: kindSelect.value || null, decade } });
  };
  form.addEventListener("change", apply);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });
  return { form, kindSelect, decadeSelect };
}

/** The relation view: loads `Relation`, then answers filter changes and "show more" with `RelationEvents`. */
export async function relationView(state, { navigate, announce }) {
  const slug = state.view.key.toUpperCase();
  const data = await request("Relation", variables(slug, state.filter));
  const relation = data.relation;
  if (!relation) return null;

  const title = pairName(relation.countries);
  let events = relation.events.nodes;
  let page = relation.events;
  let filter = state.filter;

  const status = h("p", { class: "count" });
  const list = h("div", { class: "timeline-body" });
  const more = h("button", { type: "button", class: "more" }, "Show more events");
  const { form, kindSelect, decadeSelect } = filters(relation, filter, navigate);

  const draw = () => {
    fill(list, events.length ? timeline(events) : h("p", { class: "note" }, "No event of this relation matches these filters."));
    const filtered = filter.kind || filter.decade !== null;
    fill(status, `Showing ${events.length} of ${count(page.totalCount, filtered ? "matching event" : "event")}`);
    more.hidden = !page.pageInfo.hasNextPage;
    refreshCitationLinks(list);
  };

  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const next = await request("RelationEvents", variables(slug, filter, page.pageInfo.endCursor));
      const before = events.length;
      page = next.relation.events;
      events = [...events, ...page.nodes];
      draw();
      announce(`${count(events.length - before, "more event")} shown`);
      const first = list.querySelectorAll("li.event")[before]?.querySelector("h3");
      if (more.hidden && first) {
        first.tabIndex = -1;
        first.focus();
      }
    } catch (error) {
      announce(`More events could not be loaded: ${error.message}`);
    } finally {
      more.disabled = false;
    }
  });

  draw();
  const statusLine = [
    claimed(label(relation.status), relation.citations, "Relation.status"),
    relation.established && [
      " · diplomatic relations established ",
      claimed(partialDate(relation.established), relation.citations, "Relation.established"),
    ],
  ];

  const content = [
    header(
      "Bilateral relation",
      title,
      h("p", { class: "status-line" }, statusLine),
      h("p", { class: "pair" }, relation.countries.map((c, i) => [i ? " · " : "", h("a", { href: link.country(c.code) }, c.name)])),
    ),
    relation.summary &&
      section(
        "summary-title",
        "What the page says",
        h("p", { class: "summary" }, relation.summary),
        citationList(mentions(relation)),
        sectionLink(relation.citations),
      ),
    relation.labels.length
      ? section(
          "labels-title",
          "In the page's words",
          h(
            "ul",
            { class: "labels" },
            relation.labels.map((l) => h("li", {}, h("strong", {}, claimed(`“${l.text}”`, l.citations, "RelationLabel.text", l.text)), citationList(l.citations))),
          ),
        )
      : null,
    section("timeline-title", "Timeline", form, status, list, more),
    agreements(relation.agreements.nodes),
    mechanisms(relation.mechanisms.nodes),
    figures(relation.statistics.nodes),
    people(relation.people.nodes),
    themes(relation.themes),
  ];

  return {
    title,
    crumbs: [{ label: title }],
    content,
    /** The same relation with another filter: only the timeline is fetched and drawn again. */
    async update(next) {
      filter = next.filter;
      kindSelect.value = filter.kind ?? "";
      decadeSelect.value = filter.decade === null ? "" : String(filter.decade);
      list.setAttribute("aria-busy", "true");
      try {
        const data = await request("RelationEvents", variables(slug, filter));
        page = data.relation.events;
        events = page.nodes;
        draw();
        announce(status.textContent);
      } catch (error) {
        fill(list, h("p", { class: "note", role: "alert" }, `The timeline could not be loaded: ${error.message}`));
      } finally {
        list.removeAttribute("aria-busy");
      }
    },
  };
}
