// Every fact shows where it comes from: each citation is a link that opens the source on its passage,
// and each value that is a claim of the page has a marker that opens the passages proving that value.

import { h, hidden } from "./dom.js";
import { current, url } from "./state.js";

/** The links that open the source: quotes (`a.cite`) and the markers beside values (`a.claim`). */
export const PASSAGE_LINKS = "a.cite, a.claim";

// What each claim's passages do, by its schema coordinate (as in a citation's `supports`): the marker
// reads "Where the page gives the date", the source panel "The highlighted passage gives the date".
// A function words a claim about one named value (a participant, a name), or the claim itself without one.
const CLAIMS = {
  "Relation.status": "gives the standing of the relation",
  "Relation.established": "gives the year relations were established",
  "Relation.sections": "is the page's section on this relation",
  "RelationLabel.text": (text) => (text ? `calls it “${text}”` : "uses these words"),
  "Event.date": "gives the date",
  "Event.endDate": "gives the end date",
  "Event.place": "gives the place",
  "EventParticipant.person": (name) => (name ? `names ${name}` : "names the participant"),
  "EventParticipant.country": (name) => (name ? `names ${name}` : "names the participant"),
  "Agreement.title": "gives the title",
  "Agreement.shortName": "gives the short name",
  "Agreement.signed": "gives when it was signed",
  "Agreement.adopted": "gives when it was adopted",
  "Agreement.inForce": "gives when it entered into force",
  "Mechanism.name": "gives the name",
  "Mechanism.level": "gives the level",
  "Mechanism.status": "gives the status",
  "Statistic.value": "gives the figure",
  "Statistic.qualifier": "qualifies the figure",
  "Statistic.period": "gives the period",
  "Person.name": "names the person",
  "Office.title": "gives the office",
  "Country.shortName": "gives the short name",
  "Country.pageNames": (name) => (name ? `uses the name “${name}”` : "uses the name"),
};

/** What the passages of the claim `coordinate` do, in words ("gives the date"); `value` names what they prove. */
export function claimWords(coordinate, value = null) {
  const words = CLAIMS[coordinate] ?? "says so";
  return typeof words === "function" ? words(value) : words;
}

function offsets(citation) {
  return `${citation.start}-${citation.end}`;
}

/** Where a link opens the source: `citation`'s passage, the others of `record` in the same source marked too. */
function passage(citation, record) {
  const also = record
    .filter((other) => other.source.slug === citation.source.slug && offsets(other) !== offsets(citation))
    .map(offsets);
  return { source: citation.source.slug, passage: offsets(citation), also: [...new Set(also)].join(",") };
}

/** The link that opens one passage; `record` is every citation of the fact it supports. */
export function citationLink(citation, record = [citation]) {
  const link = h(
    "a",
    { class: "cite", href: "/", dataset: passage(citation, record) },
    h("q", {}, citation.excerpt),
    hidden(` (the source, characters ${citation.start} to ${citation.end})`),
  );
  link.href = citationHref(link);
  return link;
}

/** The passages behind one fact, as a list of links; nothing when there are none. */
export function citationList(citations, { label = "Where the page says so" } = {}) {
  if (!citations?.length) return null;
  return h(
    "ul",
    { class: "citations", "aria-label": label },
    citations.map((citation) => h("li", {}, citationLink(citation, citations))),
  );
}

/** Of `citations`, those that are evidence for the claim `coordinate` (`Event.date`), in text order. */
export function supporting(citations, coordinate) {
  return (citations ?? []).filter((citation) => citation.supports.includes(coordinate));
}

/** A link that opens the source on the first of `passages`, the others marked too, as evidence for `coordinate`. */
function evidenceLink(passages, coordinate, className, ...content) {
  const link = h("a", { class: className, href: "/", dataset: { ...passage(passages[0], passages), claim: coordinate } }, ...content);
  link.href = citationHref(link);
  return link;
}

/**
 * The marker beside a value: a link that opens the source on the first passage proving the claim
 * `coordinate`, with the others proving it marked too; nothing when no passage proves it.
 * `value` names the value where the claim's words need it (a participant's name).
 */
export function evidence(citations, coordinate, value = null) {
  const passages = supporting(citations, coordinate);
  if (!passages.length) return null;
  return evidenceLink(
    passages,
    coordinate,
    "claim",
    h("span", { class: "glyph", "aria-hidden": "true" }, "¶"),
    hidden(`Where the page ${claimWords(coordinate, value)}`),
  );
}

/** A value followed by its marker, when a passage proves it; the marker never wraps apart from the value's last word. */
export function claimed(value, citations, coordinate, name = null) {
  const marker = evidence(citations, coordinate, name);
  if (!marker) return value;
  const text = typeof value === "string" ? value : null;
  const cut = text ? text.lastIndexOf(" ") + 1 : 0;
  const tail = h("span", { class: "tail" }, text ? text.slice(cut) : value, marker);
  return h("span", { class: "claimed" }, text ? text.slice(0, cut) : null, tail);
}

/** A relation's passages that mention it, without its whole section, which `sectionLink` opens. */
export function mentions(relation) {
  return relation.citations.filter((citation) => !citation.supports.includes("Relation.sections"));
}

/** A link to the page's whole section on a relation (where "the two countries" means this pair). */
export function sectionLink(citations) {
  const passages = supporting(citations, "Relation.sections");
  if (!passages.length) return null;
  return h("p", { class: "section-link" }, evidenceLink(passages, "Relation.sections", "claim whole", "The page's whole section on this relation"));
}

/** The passages a citation link or marker opens: `{source, passage, also, claim}`, as in the URL's state. */
export function citeOf(link) {
  const { source, passage: at, also, claim } = link.dataset;
  const range = (text) => text.split("-").map(Number);
  return { source, passage: range(at), also: also ? also.split(",").map(range) : [], claim: claim ?? null };
}

/** Where a citation link or marker leads from the view shown now: that view, with its passages open. */
export function citationHref(link, state = current()) {
  return url({ ...state, cite: citeOf(link) });
}

/** Points every citation link and marker at the view shown now, with its own passages open. */
export function refreshCitationLinks(root = document, state = current()) {
  for (const link of root.querySelectorAll(PASSAGE_LINKS)) link.href = citationHref(link, state);
}
