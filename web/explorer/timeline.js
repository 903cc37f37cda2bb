// The timeline: dated events in date order, each drawn on a shared axis from its first to its last
// possible day (a period from 1950 to 1953 spans 1950-01-01 to 1953-12-31); an event known only by
// its end is drawn as ending then; undated events are listed apart.

import { citationList, claimed } from "./citations.js";
import { h } from "./dom.js";
import { family, label, machineDate, partialDate } from "./format.js";

const DAY = 24 * 60 * 60 * 1000;
const STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500];
const OPEN_START_YEARS = 12; // how far back an event with no known start fades in from

function time(isoDate) {
  return Date.parse(`${isoDate}T00:00:00Z`);
}

/** The first and last day an event can cover; `from` is null when only its end is known. */
export function extent(event) {
  const start = event.date ?? null;
  const end = event.endDate ?? event.date ?? null;
  if (!end) return null;
  return { from: start ? start.earliest : null, to: end.latest };
}

function yearOf(isoDate) {
  return Number(isoDate.slice(0, 4));
}

/** Whole years around every extent, with round numbers for ticks. */
function axis(extents) {
  const firstYear = Math.min(...extents.map((e) => (e.from ? yearOf(e.from) : yearOf(e.to) - OPEN_START_YEARS)));
  const lastYear = Math.max(...extents.map((e) => yearOf(e.to)));
  const span = Math.max(lastYear - firstYear + 1, 1);
  const step = STEPS.find((candidate) => span / candidate <= 8) ?? 1000;
  const from = Math.floor(firstYear / step) * step;
  const to = Math.max(Math.ceil((lastYear + 1) / step) * step, from + step);
  const ticks = [];
  for (let year = from; year <= to; year += step) ticks.push(year);
  return { from: `${from}-01-01`, to: `${to - 1}-12-31`, start: time(`${from}-01-01`), end: time(`${to}-01-01`), step, ticks };
}

function position(scale, isoDate, endOfDay = false) {
  const at = time(isoDate) + (endOfDay ? DAY : 0);
  return Math.min(Math.max((at - scale.start) / (scale.end - scale.start), 0), 1).toFixed(5);
}

function bar(scale, event, extent) {
  const period = Boolean(event.endDate) || event.date?.text.includes("/");
  const kinds = ["bar", period ? "period" : "moment", extent.from ? null : "open-start"].filter(Boolean).join(" ");
  const element = h("span", {
    class: kinds,
    dataset: { from: extent.from ?? "", to: extent.to },
  });
  const from = extent.from
    ? position(scale, extent.from)
    : position(scale, `${yearOf(extent.to) - OPEN_START_YEARS}-01-01`);
  // Positions are set through the CSSOM, which a strict style-src allows (inline style attributes it does not).
  element.style.setProperty("--from", from);
  element.style.setProperty("--to", position(scale, extent.to, true));
  return element;
}

/** One participant: its name with the marker of the passages naming it, or "(inferred)" where none does. */
function participant(p) {
  const [name, claim] = p.person ? [p.person.name, "EventParticipant.person"] : [p.country.name, "EventParticipant.country"];
  if (p.basis === "INFERRED") return `${name} (inferred)`;
  return claimed(name, p.citations, claim, name);
}

function participants(event) {
  const people = event.participants.filter((p) => p.person);
  const countries = event.participants.filter((p) => !p.person && p.country);
  return [...people, ...countries].map((p, i) => [i ? ", " : "", participant(p)]);
}

function details(event) {
  const facts = [
    event.place && ["Where", claimed(event.place, event.citations, "Event.place")],
    event.participants.length && ["Who", participants(event)],
    event.agreement && ["Agreement", event.agreement.shortName ?? event.agreement.title],
    event.mechanisms.nodes.length && ["Mechanisms", event.mechanisms.nodes.map((m) => m.name).join(", ")],
    event.themes.length && ["Themes", event.themes.map((t) => t.name).join(", ")],
  ].filter(Boolean);
  if (!facts.length) return null;
  return h("dl", { class: "facts" }, facts.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
}

/** An event's passages and its participants', each passage once (two participants often share one). */
function passages(event) {
  const seen = new Set();
  const key = (c) => `${c.source.slug}:${c.start}-${c.end}`;
  return [...event.citations, ...event.participants.flatMap((p) => p.citations)].filter((c) => !seen.has(key(c)) && seen.add(key(c)));
}

function eventBody(event) {
  return h(
    "div",
    { class: "what" },
    h("p", { class: `kind family-${family(event.kind)}` }, label(event.kind)),
    h("h3", { class: "title" }, event.title),
    event.description && h("p", { class: "description" }, event.description),
    details(event),
    citationList(passages(event)),
  );
}

/** One date of an event, as a <time>, with the marker of the passages that give it. */
function dated(event, date, claim) {
  return claimed(h("time", { datetime: machineDate({ date }) }, partialDate(date)), event.citations, claim);
}

/** When an event happened, each of its dates marked with its evidence: `1950¶–1953¶`, `until 1945¶`. */
export function when(event) {
  const { date, endDate } = event;
  if (date && endDate) return [dated(event, date, "Event.date"), "–", dated(event, endDate, "Event.endDate")];
  if (date) return dated(event, date, "Event.date");
  if (endDate) return ["until ", dated(event, endDate, "Event.endDate")];
  return "undated";
}

function row(scale, event) {
  const span = extent(event);
  return h(
    "li",
    { class: `event family-${family(event.kind)}`, id: `event-${event.slug}`, dataset: { slug: event.slug, kind: event.kind } },
    h("p", { class: "when" }, when(event)),
    eventBody(event),
    h("div", { class: "track", "aria-hidden": "true" }, bar(scale, event, span)),
  );
}

/** The timeline of `events`: an axis, the dated ones in order, then the undated ones. */
export function timeline(events) {
  const dated = events.filter((event) => extent(event));
  const undated = events.filter((event) => !extent(event));
  const parts = [];
  if (dated.length) {
    const scale = axis(dated.map(extent));
    const ticks = scale.ticks.map((year) => {
      // Every other tick is minor: a narrow axis shows only the major ones.
      const minor = (year / scale.step) % 2 === 1;
      const tick = h("span", { class: minor ? "tick minor" : "tick" }, String(year));
      tick.style.setProperty("--at", position(scale, `${year}-01-01`));
      return tick;
    });
    parts.push(
      h(
        "div",
        { class: "timeline", dataset: { axisFrom: scale.from, axisTo: scale.to } },
        h("div", { class: "axis", "aria-hidden": "true" }, h("div", { class: "ticks" }, ticks)),
        h("ol", { class: "events", "aria-label": "Dated events, in date order" }, dated.map((event) => row(scale, event))),
      ),
    );
  }
  if (undated.length) {
    parts.push(
      h(
        "section",
        { class: "undated", "aria-labelledby": "undated-title" },
        h("h3", { id: "undated-title" }, "Undated"),
        h("p", { class: "note" }, "The page gives no date for these."),
        h(
          "ul",
          { class: "events" },
          undated.map((event) =>
            h("li", { class: `event family-${family(event.kind)}`, id: `event-${event.slug}`, dataset: { slug: event.slug, kind: event.kind } }, eventBody(event)),
          ),
        ),
      ),
    );
  }
  return parts;
}
