// Building the page with DOM calls only: no HTML strings, so nothing the API returns can become markup.

/**
 * An element: `h("a", {href: "/", class: "brand"}, "Bilateral")`.
 * Props are attributes, except `on` (event listeners) and `dataset`; false, null and undefined are left out.
 * Children are nodes, strings, numbers or arrays of them; false, null and undefined are skipped.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "on") {
      for (const [type, listener] of Object.entries(value)) element.addEventListener(type, listener);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  element.append(...nodes(children));
  return element;
}

function nodes(children) {
  const out = [];
  for (const child of children.flat(Infinity)) {
    if (child === false || child === null || child === undefined) continue;
    out.push(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return out;
}

/** A view's header: an eyebrow line above its `h1` title, and what follows it. */
export function header(eyebrow, title, ...rest) {
  return h("header", { class: "view-header" }, eyebrow && h("p", { class: "eyebrow" }, eyebrow), h("h1", { tabindex: "-1" }, title), ...rest);
}

/** A section of a view, labelled by its `h2` title. */
export function section(id, title, ...content) {
  return h("section", { class: "block", "aria-labelledby": id }, h("h2", { id }, title), ...content);
}

/** A section listing `items` as cards (`card(item)` makes each `li`); none for no items. */
export function cards(id, title, items, card, listClass = "cards") {
  return items.length ? section(id, title, h("ul", { class: listClass }, items.map(card))) : null;
}

/** Replaces an element's children. */
export function fill(element, ...children) {
  element.replaceChildren(...nodes(children));
  return element;
}

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function unescape(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : entity;
    }
    return ENTITIES[name.toLowerCase()] ?? entity;
  });
}

/**
 * A search snippet (HTML-escaped text whose matched words stand in `<mark>` elements) as nodes:
 * text and `<mark>` only, whatever else the string holds.
 */
export function snippet(html) {
  const out = [];
  let marked = false;
  for (const piece of html.split(/(<mark>|<\/mark>)/)) {
    if (piece === "<mark>") marked = true;
    else if (piece === "</mark>") marked = false;
    else if (piece) out.push(marked ? h("mark", {}, unescape(piece)) : unescape(piece));
  }
  return out;
}

/** Text for screen readers only. */
export function hidden(text) {
  return h("span", { class: "visually-hidden" }, text);
}
