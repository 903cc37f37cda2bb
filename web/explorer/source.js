// The source panel: a source's whole text with the cited passage highlighted from its offsets and
// scrolled into view, and the other passages of the same record (or of the same claim) marked too.

import { claimWords } from "./citations.js";
import { fill, h } from "./dom.js";
import { request } from "./graphql.js";

const texts = new Map(); // slug → {source, characters}

async function load(slug) {
  if (!texts.has(slug)) {
    const data = await request("Source", { slug });
    if (!data.source) return null;
    // Offsets count Unicode code points (Python `str` indices), not UTF-16 units.
    texts.set(slug, { source: data.source, characters: Array.from(data.source.text) });
  }
  return texts.get(slug);
}

/** The text cut at every boundary of the passages, each piece marked with the passages that cover it. */
function pieces(characters, passage, also) {
  const ranges = [...(passage ? [{ range: passage, current: true }] : []), ...also.map((range) => ({ range, current: false }))]
    .filter(({ range: [start, end] }) => start >= 0 && end <= characters.length && start < end);
  const cuts = new Set([0, characters.length]);
  for (const { range } of ranges) range.forEach((offset) => cuts.add(offset));
  const sorted = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < sorted.length - 1; i++) {
    const [start, end] = [sorted[i], sorted[i + 1]];
    const text = characters.slice(start, end).join("");
    const covering = ranges.filter(({ range }) => range[0] <= start && end <= range[1]);
    if (!covering.length) out.push(text);
    else {
      const current = covering.some((r) => r.current);
      out.push(h("mark", { class: current ? "passage current" : "passage also", dataset: { start, end } }, text));
    }
  }
  return out;
}

/** What the panel shows of a record: one passage highlighted, the record's others underlined. */
function passageMeta(cite) {
  const where = cite.passage ? `The highlighted passage is characters ${cite.passage[0]} to ${cite.passage[1]}` : "The whole page";
  const also = { 0: ".", 1: "; another passage of the same record is underlined." }[cite.also.length];
  return where + (also ?? `; ${cite.also.length} other passages of the same record are underlined.`);
}

/** What the panel shows of one claim: the passages proving it, the first highlighted. */
function evidenceMeta(cite) {
  const words = claimWords(cite.claim);
  const where = cite.passage ? ` (characters ${cite.passage[0]} to ${cite.passage[1]})` : "";
  const also = { 0: "", 1: " Another passage that does is underlined." }[cite.also.length];
  return `The highlighted passage ${words}${where}.${also ?? ` ${cite.also.length} other passages that do are underlined.`}`;
}

export function sourcePanel({ panel, onClose }) {
  const title = panel.querySelector("#source-title");
  const meta = panel.querySelector(".source-meta");
  const body = panel.querySelector(".source-text");
  let shown = null;

  panel.querySelector(".close").addEventListener("click", onClose);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") onClose();
  });

  return {
    /** Opens the panel on `cite` ({source, passage, also}), or closes it when `cite` is null. */
    async show(cite, { focus = true } = {}) {
      const key = cite ? JSON.stringify(cite) : null;
      if (key === shown) return;
      shown = key;
      if (!cite) {
        panel.hidden = true;
        document.body.classList.remove("reading");
        return;
      }
      panel.hidden = false;
      document.body.classList.add("reading");
      panel.setAttribute("aria-busy", "true");
      let loaded;
      try {
        loaded = await load(cite.source);
      } catch (error) {
        loaded = { error };
      }
      if (shown !== key) return;
      panel.removeAttribute("aria-busy");
      if (loaded?.error) {
        fill(title, "The source could not be loaded");
        fill(meta, loaded.error.message);
        fill(body);
        shown = null; // so that opening it again tries again
        return;
      }
      if (!loaded) {
        fill(title, "Source not found");
        fill(meta, `No source is named ${cite.source}.`);
        fill(body);
        return;
      }
      const { source, characters } = loaded;
      fill(title, source.title);
      fill(
        meta,
        source.publisher,
        ". ",
        cite.claim ? evidenceMeta(cite) : passageMeta(cite),
        source.url ? [" ", h("a", { href: source.url, rel: "noopener noreferrer" }, "Original page")] : null,
      );
      fill(body, pieces(characters, cite.passage, cite.also));
      const current = body.querySelector("mark.current");
      const reduce = matchMedia("(prefers-reduced-motion: reduce)").matches;
      // Scroll the text only, never the page behind it: the reader keeps their place there.
      const top = current ? current.offsetTop - (body.clientHeight - current.offsetHeight) / 2 : 0;
      body.scrollTo({ top: Math.max(top, 0), behavior: reduce ? "auto" : "smooth" });
      if (focus) title.focus({ preventScroll: true });
    },
  };
}
