// What the URL says the page shows: a permalink for every view, its filters and the open passage.
//   /                              the front page
//   /?region=north-america         a region
//   /?country=CAN                  a country and its relations
//   /?relation=CAN-KOR             a relation; &kind=SUMMIT and &decade=2010 filter its timeline
//   /?q=nuclear                    search
// Any of them may add &source=SLUG&passage=START-END&also=START-END,… : the source panel, open on
// that passage (character offsets), with the other passages of the same record marked too; and
// &claim=Event.date when the passages are those proving one claim (a schema coordinate).

const VIEWS = ["region", "country", "relation", "q"];
const COORDINATE = /^[A-Z][A-Za-z]*\.[a-z][A-Za-z]*$/;

function range(text) {
  const match = /^(\d+)-(\d+)$/.exec(text ?? "");
  return match ? [Number(match[1]), Number(match[2])] : null;
}

/** The state a URL (or its search string) describes. */
export function parse(search) {
  const parameters = new URLSearchParams(search);
  const name = VIEWS.find((key) => parameters.get(key));
  const view = name ? { name: name === "q" ? "search" : name, key: parameters.get(name).trim() } : { name: "home", key: "" };
  const decade = Number.parseInt(parameters.get("decade") ?? "", 10);
  const filter = view.name === "relation"
    ? { kind: parameters.get("kind") || null, decade: Number.isFinite(decade) ? decade - (decade % 10) : null }
    : { kind: null, decade: null };
  const source = parameters.get("source");
  const cite = source
    ? {
        source,
        passage: range(parameters.get("passage")),
        also: (parameters.get("also") ?? "").split(",").map(range).filter(Boolean),
        claim: COORDINATE.test(parameters.get("claim") ?? "") ? parameters.get("claim") : null,
      }
    : null;
  return { view, filter, cite };
}

/** The URL of a state. */
export function url({ view, filter = {}, cite = null }) {
  const parameters = new URLSearchParams();
  if (view.name !== "home") parameters.set(view.name === "search" ? "q" : view.name, view.key);
  if (filter.kind) parameters.set("kind", filter.kind);
  if (filter.decade !== null && filter.decade !== undefined) parameters.set("decade", String(filter.decade));
  if (cite) {
    parameters.set("source", cite.source);
    if (cite.passage) parameters.set("passage", cite.passage.join("-"));
    if (cite.also?.length) parameters.set("also", cite.also.map((r) => r.join("-")).join(","));
    if (cite.claim) parameters.set("claim", cite.claim);
  }
  const search = parameters.toString();
  return search ? `/?${search}` : "/";
}

/** The state the page shows now. */
export function current() {
  return parse(location.search);
}

export function sameView(a, b) {
  return a.view.name === b.view.name && a.view.key === b.view.key;
}

export function sameFilter(a, b) {
  return a.filter.kind === b.filter.kind && a.filter.decade === b.filter.decade;
}

/** Links to other views. */
export const link = {
  home: () => "/",
  region: (code) => url({ view: { name: "region", key: code } }),
  country: (code) => url({ view: { name: "country", key: code } }),
  relation: (slug) => url({ view: { name: "relation", key: slug } }),
  search: (query) => url({ view: { name: "search", key: query } }),
};
