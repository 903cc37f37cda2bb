// How the API's values read in English: partial dates, kinds, figures.

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December"];

/** One EDTF date as the page gives it: `1882`, `196X` (the 1960s), `2013-05`, `2013-05-07`. */
function single(text) {
  const decade = /^(\d{3})X$/.exec(text);
  if (decade) return `${decade[1]}0s`;
  const [year, month, day] = text.split("-");
  if (day) return `${Number(day)} ${MONTHS[Number(month) - 1]} ${year}`;
  if (month) return `${MONTHS[Number(month) - 1]} ${year}`;
  return year;
}

/** A partial date's text (`1950/1953`, `196X/197X`) in words: `1950–1953`, `1960s–1970s`. */
export function partialDate(date) {
  if (!date) return "";
  const [first, last] = date.text.split("/");
  return last ? `${single(first)}–${single(last)}` : single(first);
}

/** When an event happened: its date, a period from its date to its end, or only its end. */
export function eventDate(event) {
  const { date, endDate } = event;
  if (date && endDate) return `${partialDate(date)}–${partialDate(endDate)}`;
  if (date) return partialDate(date);
  if (endDate) return `until ${partialDate(endDate)}`;
  return "undated";
}

/** An EDTF-like `datetime` for a <time> element, where one can be given. */
export function machineDate(event) {
  const parts = [event.date?.text, event.endDate?.text].filter(Boolean);
  return parts.join("/").replace(/X/g, "0") || null;
}

const LABELS = {
  RELATIONS_BEGAN: "Relations began",
  RELATIONS_SUSPENDED: "Relations suspended",
  RELATIONS_RESUMED: "Relations resumed",
  RELATIONS_ESTABLISHED: "Relations established",
  MILITARY_DEPLOYMENT: "Military deployment",
  AGREEMENT_SIGNED: "Agreement signed",
  AGREEMENT_ADOPTED: "Agreement adopted",
  ECONOMIC_DEVELOPMENT: "Economic development",
  SECURITY_THREAT: "Security threat",
  FREE_TRADE_AGREEMENT: "Free trade agreement",
  COOPERATION_AGREEMENT: "Cooperation agreement",
  MEETING_SERIES: "Meeting series",
  VICE_MINISTERIAL: "Vice-ministerial",
};

/** An enum value in words: `SUMMIT` → `Summit`, `JOINT_VISION` → `Joint vision`. */
export function label(value) {
  if (!value) return "";
  if (LABELS[value]) return LABELS[value];
  const words = value.toLowerCase().replace(/_/g, " ");
  return words[0].toUpperCase() + words.slice(1);
}

/** Which family of kinds an event belongs to, for its colour; the kind is always written out too. */
export function family(kind) {
  if (kind.startsWith("RELATIONS_")) return "relations";
  if (["WAR", "MILITARY_DEPLOYMENT", "SECURITY_THREAT"].includes(kind)) return "conflict";
  if (kind.startsWith("AGREEMENT_")) return "agreement";
  if (kind === "SUMMIT") return "summit";
  return "economy";
}

const NUMBER = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });

function ordinal(n) {
  const rules = new Intl.PluralRules("en", { type: "ordinal" });
  const suffix = { one: "st", two: "nd", few: "rd", other: "th" }[rules.select(n)];
  return `${NUMBER.format(n)}${suffix}`;
}

/**
 * A figure as it should be read, in parts, each with the field it shows: `more than` (the qualifier)
 * `26,000 troops` (the value); `516 people`; `2nd` `largest`. An exact figure's qualifier is not written.
 */
export function figure(statistic) {
  const value = Number(statistic.value);
  if (statistic.qualifier === "RANK") return [[ordinal(value), "value"], ["largest", "qualifier"]];
  const amount = [`${NUMBER.format(value)} ${statistic.unit}`, "value"];
  return statistic.qualifier === "MORE_THAN" ? [["more than", "qualifier"], amount] : [amount];
}

/** `1 event`, `14 events`. */
export function count(n, noun, plural = `${noun}s`) {
  return `${NUMBER.format(n)} ${n === 1 ? noun : plural}`;
}

/** The two countries of a relation, in the order of its slug: `Canada – Republic of Korea`. */
export function pairName(countries) {
  return countries.map((country) => country.name).join(" – ");
}
