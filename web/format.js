// How the dashboard writes numbers and times, and the two DOM helpers every view uses. Text only:
// everything received is written with textContent, never as HTML.

const nf2 = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const money = (x) => (x === null || x === undefined ? "–" : nf2.format(x));
export const signed = (x) => (x === null || x === undefined ? "–" : (x > 0 ? "+" : "") + nf2.format(x));
export const pct = (x) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(2)}%`);
export const ratio = (x) => (x === null || x === undefined ? "–" : x.toFixed(2));
export const since = (iso) => {
  if (!iso) return "never";
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : new Date(iso).toLocaleString();
};
export const signClass = (x) => (x > 0 ? "pos" : x < 0 ? "neg" : "");

export function setText(root, selector, text) {
  const el = root.querySelector(selector);
  el.textContent = text;
  return el;
}

export function setTone(el, base, tone) {
  el.className = `${base} ${tone}`.trim();
}

export const SEVERITY_ORDER = ["info", "warning", "error", "critical"];

/** A firing badge: how many alerts fire, coloured by the worst severity; hidden when none. */
export function renderFiringBadge(badge, alerts) {
  badge.hidden = alerts.length === 0;
  if (alerts.length === 0) return;
  const worst = alerts.map((a) => a.severity).sort((x, y) => SEVERITY_ORDER.indexOf(y) - SEVERITY_ORDER.indexOf(x))[0];
  badge.textContent = `${alerts.length} firing · ${worst}`;
  badge.className = `badge firing ${worst}`;
  badge.title = alerts.map((a) => `${a.trigger} (${a.severity})`).join(", ");
}
