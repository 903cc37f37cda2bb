// The explorer: reads the URL, shows its view, and keeps the URL a permalink of what is shown.

import { PASSAGE_LINKS, citationHref, citeOf, refreshCitationLinks } from "./citations.js";
import { fill, h } from "./dom.js";
import { relationView } from "./relation.js";
import { sourcePanel } from "./source.js";
import { current, sameFilter, sameView, url } from "./state.js";
import { countryView, homeView, regionView, searchView } from "./views.js";

const VIEWS = { home: homeView, region: regionView, country: countryView, relation: relationView, search: searchView };
const NOT_FOUND = { region: "region", country: "country", relation: "relation between these two countries" };

const main = document.getElementById("main");
const crumbs = document.getElementById("crumbs");
const status = document.getElementById("status");
const searchInput = document.getElementById("search-input");
const panel = document.getElementById("source");

let shown = null; // {state, view}
let generation = 0;
let opened = null; // the link or marker that opened the source, to return to when it closes

/** The link that opened the passages `cite` shows: the one clicked, else the first that opens them. */
function opener(cite) {
  if (!cite) return null;
  const home = { name: "home", key: "" };
  const key = url({ view: home, cite });
  const same = (link) => link?.isConnected && url({ view: home, cite: citeOf(link) }) === key;
  return same(opened) ? opened : [...main.querySelectorAll(PASSAGE_LINKS)].find(same) ?? null;
}

function announce(message) {
  fill(status, message);
}

function navigate(target, { replace = false } = {}) {
  const href = typeof target === "string" ? target : url(target);
  if (href === location.pathname + location.search) return;
  // Remember where the reader was, to return there with back and forward.
  history.replaceState({ ...history.state, scroll: window.scrollY }, "");
  history[replace ? "replaceState" : "pushState"]({ scroll: 0 }, "", href);
  render({ focus: true });
}

const source = sourcePanel({
  panel,
  onClose() {
    const state = current();
    navigate({ ...state, cite: null });
    opener(state.cite)?.focus();
  },
});

function drawCrumbs(items) {
  fill(
    crumbs,
    h("li", {}, items.length ? h("a", { href: "/" }, "Explorer") : h("span", { "aria-current": "page" }, "Explorer")),
    items.map((item, i) =>
      h("li", {}, item.href ? h("a", { href: item.href }, item.label) : h("span", { "aria-current": i === items.length - 1 ? "page" : null }, item.label)),
    ),
  );
}

function failure(error, retry) {
  return [
    h("h1", { tabindex: "-1" }, "This could not be shown"),
    h("p", {}, String(error.message ?? error)),
    h("p", {}, h("button", { type: "button", on: { click: retry } }, "Try again")),
  ];
}

async function showView(state, { focus }) {
  const ticket = ++generation;
  main.setAttribute("aria-busy", "true");
  // Set before the view loads, so that what a reader types meanwhile is not wiped when it arrives.
  searchInput.value = state.view.name === "search" ? state.view.key : "";
  let view;
  try {
    view = await VIEWS[state.view.name](state, { navigate, announce });
  } catch (error) {
    if (ticket !== generation) return null;
    console.warn("the view did not load:", error);
    fill(main, failure(error, () => render({ focus: true, force: true })));
    main.removeAttribute("aria-busy");
    return null;
  }
  if (ticket !== generation) return null;
  if (!view) {
    const what = NOT_FOUND[state.view.name] ?? "page";
    view = {
      title: "Not found",
      crumbs: [{ label: "Not found" }],
      content: [h("h1", { tabindex: "-1" }, "Not found"), h("p", {}, `The sources name no ${what} “${state.view.key}”.`)],
    };
  }
  document.title = `${view.title} · Bilateral`;
  drawCrumbs(view.crumbs);
  fill(main, view.content);
  main.removeAttribute("aria-busy");
  window.scrollTo(0, history.state?.scroll ?? 0);
  if (focus) main.querySelector("h1")?.focus({ preventScroll: true });
  announce(`${view.title} shown`);
  return view;
}

let renders = 0;

async function render({ focus = false, force = false } = {}) {
  const ticket = ++renders;
  const state = current();
  if (force || !shown || !sameView(shown.state, state)) {
    const view = await showView(state, { focus });
    if (ticket !== renders) return;
    shown = { state, view };
  } else if (!sameFilter(shown.state, state)) {
    shown.state = state;
    refreshCitationLinks(main, state);
    await shown.view?.update?.(state);
  }
  if (ticket !== renders) return; // the reader moved on while this loaded: the newer render decides the rest
  shown.state = state;
  refreshCitationLinks(main);
  const opening = source.show(state.cite, { focus });
  shelter();
  await opening;
}

// On a narrow screen the source covers the page: what lies beneath is out of reach until it closes.
const narrow = matchMedia("(max-width: 60rem)");
function shelter() {
  const covered = narrow.matches && !panel.hidden;
  main.inert = covered;
  document.querySelector("body > header").inert = covered;
}

// Links within the explorer change the view without reloading the page.
document.addEventListener("click", (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = event.target.closest("a[href]");
  if (!anchor || anchor.origin !== location.origin || anchor.pathname !== "/" || anchor.target) return;
  event.preventDefault();
  const opens = anchor.matches(PASSAGE_LINKS);
  if (opens) opened = anchor;
  // A citation opens on the view shown now, even one whose filters changed since the link was drawn.
  navigate(opens ? citationHref(anchor) : anchor.pathname + anchor.search);
});

document.getElementById("search").addEventListener("submit", (event) => {
  event.preventDefault();
  const query = searchInput.value.trim();
  if (query) navigate({ view: { name: "search", key: query } });
});

window.addEventListener("popstate", () => render());
history.scrollRestoration = "manual";

narrow.addEventListener("change", shelter);
render();
