// Every fact shows where it comes from: each citation is a link that opens the source on its passage.

import { h, hidden } from "./dom.js";
import { current, url } from "./state.js";

function offsets(citation) {
  return `${citation.start}-${citation.end}`;
}

/** The link that opens one passage; `record` is every citation of the fact it supports. */
export function citationLink(citation, record = [citation]) {
  const also = record
    .filter((other) => other.source.slug === citation.source.slug && offsets(other) !== offsets(citation))
    .map(offsets);
  const link = h(
    "a",
    {
      class: "cite",
      href: "/",
      dataset: { source: citation.source.slug, passage: offsets(citation), also: [...new Set(also)].join(",") },
    },
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

/** Where a citation link leads from the view shown now: that view, with the link's passage open. */
export function citationHref(link, state = current()) {
  const { source, passage, also } = link.dataset;
  const range = (text) => text.split("-").map(Number);
  const cite = { source, passage: range(passage), also: also ? also.split(",").map(range) : [] };
  return url({ ...state, cite });
}

/** Points every citation link at the view shown now, with its own passage open. */
export function refreshCitationLinks(root = document, state = current()) {
  for (const link of root.querySelectorAll("a.cite")) link.href = citationHref(link, state);
}
