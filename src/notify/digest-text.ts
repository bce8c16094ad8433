// How a digest (§19) reads, shared by every channel's digest renderer: the title, the period in
// the digest's timezone, money and ratios the way a trader writes them, and the plain-text version
// (the email's text part, and what a log shows). Each channel lays the same lines out its own way.
import { botSubject, groupSubject, SEVERITIES } from "../domain/alert-record.js";
import type { DigestAlertLine, DigestBotLine, DigestGroupLine, DigestReport } from "../domain/digest-report.js";
import type { DigestMessage } from "./channel.js";

const MONEY = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const money = (x: number): string => (Number.isFinite(x) ? MONEY.format(x) : "n/a");
export const signedMoney = (x: number): string => (Number.isFinite(x) && x > 0 ? `+${MONEY.format(x)}` : money(x));
export const pct = (x: number | null): string => (x === null || !Number.isFinite(x) ? "–" : `${(x * 100).toFixed(2)}%`);
export const ratio = (x: number | null): string => (x === null || !Number.isFinite(x) ? "–" : x.toFixed(2));

function parts(ms: number, timeZone: string, withTime: boolean): Record<string, string> {
  const f = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    ...(withTime ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" } : {}),
  });
  return Object.fromEntries(f.formatToParts(ms).map((p) => [p.type, p.value]));
}

/** "Tue 6 Jan, 08:00" in the digest's timezone. */
export function localTime(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone, true);
  return `${p.weekday} ${p.day} ${p.month}, ${p.hour}:${p.minute}`;
}

/** "Tue 6 Jan 2026" in the digest's timezone. */
export function localDate(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone, false);
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

export function digestTitle(d: DigestReport): string {
  const what = d.kind === "daily" ? "Daily digest" : "Weekly digest";
  return `${d.test ? "[TEST] " : ""}${what} · ${localDate(d.period.to, d.timezone)}`;
}

/** "Mon 5 Jan, 08:00 → Tue 6 Jan, 08:00 (Europe/Berlin)". */
export function periodText(d: DigestReport): string {
  return `${localTime(d.period.from, d.timezone)} → ${localTime(d.period.to, d.timezone)} (${d.timezone})`;
}

/** "3 bots · 1 group · 2 alerts fired · 1 firing". */
export function overviewText(d: DigestReport): string {
  const n = (count: number, one: string) => `${count} ${one}${count === 1 ? "" : "s"}`;
  const fired = Object.values(d.fired_count).reduce((a, b) => a + b, 0);
  const parts = [n(d.bots.length, "bot")];
  if (d.groups.length > 0) parts.push(n(d.groups.length, "group"));
  parts.push(`${n(fired, "alert")} fired`, `${d.firing.length} still firing`);
  return parts.join(" · ");
}

export const tradesText = (b: { trades: number; wins?: number; losses?: number }): string =>
  b.trades === 0
    ? "no trades"
    : `${b.trades} trade${b.trades === 1 ? "" : "s"}${b.wins !== undefined ? ` (${b.wins}W/${b.losses ?? 0}L)` : ""}`;

/** Under a "Trades" label: "12 (8W/4L)", "3", "none". */
const tradesCount = (b: { trades: number; wins?: number; losses?: number }): string =>
  b.trades === 0 ? "none" : `${b.trades}${b.wins !== undefined ? ` (${b.wins}W/${b.losses ?? 0}L)` : ""}`;

/**
 * "2 · worst error" for the alerts firing on "bot alpha" or "group fleet", or null when none is.
 * Health (§8) does not count drawdowns, so a bot deep in one reads HEALTHY: the firing alerts
 * beside it say what the badge does not.
 */
export function firingText(d: DigestReport, subject: string): string | null {
  const own = d.firing.filter((a) => a.subject === subject);
  if (own.length === 0) return null;
  const worst = own.reduce((w, a) => (SEVERITIES.indexOf(a.severity) > SEVERITIES.indexOf(w) ? a.severity : w), own[0]!.severity);
  return `${own.length} · worst ${worst}`;
}

const withFiring = (figures: Array<[string, string]>, firing: string | null): Array<[string, string]> =>
  firing === null ? figures : [...figures, ["Alerts firing", firing]];

/** The figures of one bot, as label/value pairs in reading order; its firing alerts last, when any. */
export function botFigures(b: DigestBotLine, d: DigestReport): Array<[string, string]> {
  return withFiring(botOwnFigures(b), firingText(d, botSubject(b.bot)));
}

export function groupFigures(g: DigestGroupLine, d: DigestReport): Array<[string, string]> {
  return withFiring(groupOwnFigures(g), firingText(d, groupSubject(g.group)));
}

/** What a bot's and a group's figures both begin with, in the same words, so the two read alike. */
function accountFigures(a: DigestBotLine | DigestGroupLine): Array<[string, string]> {
  return [
    ["Equity", money(a.equity)],
    ["P&L", signedMoney(a.pnl)],
    ["Trades", tradesCount(a)],
    ["Drawdown", `${pct(a.drawdown)} (max ${pct(a.max_drawdown)})`],
  ];
}

function botOwnFigures(b: DigestBotLine): Array<[string, string]> {
  return [...accountFigures(b), ["Win rate", pct(b.win_rate)], ["Sharpe", ratio(b.sharpe)]];
}

function groupOwnFigures(g: DigestGroupLine): Array<[string, string]> {
  return [...accountFigures(g), ["Daily Sharpe", ratio(g.daily_sharpe)]];
}

/** "critical total_drawdown on bot alpha, Tue 6 Jan, 03:10 (resolved 04:00)". */
export function alertText(a: DigestAlertLine, timeZone: string): string {
  const resolved = a.resolved_at === null ? "" : ` (resolved ${localTime(a.resolved_at, timeZone)})`;
  return `${a.severity} ${a.trigger} on ${a.subject}, ${localTime(a.started_at, timeZone)}${resolved}`;
}

/** "2 (critical 1, warning 1)" or "none". */
export function firedCountText(d: DigestReport): string {
  const entries = Object.entries(d.fired_count).filter(([, n]) => n > 0);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  return total === 0 ? "none" : `${total} (${entries.map(([sev, n]) => `${sev} ${n}`).join(", ")})`;
}

function plainText(d: DigestReport): string {
  const lines = [digestTitle(d), periodText(d), overviewText(d), ""];
  const block = (head: string, figures: Array<[string, string]>) => {
    lines.push(head, ...figures.map(([k, v]) => `  ${k}: ${v}`), "");
  };
  for (const g of d.groups) block(`Group ${g.group} (${g.members.join(", ")})`, groupFigures(g, d));
  for (const b of d.bots) block(`${b.bot} · ${b.health}`, botFigures(b, d));
  lines.push(`Alerts fired in the period: ${firedCountText(d)}`);
  for (const a of d.fired) lines.push(`  - ${alertText(a, d.timezone)}`);
  lines.push(`Still firing: ${d.firing.length === 0 ? "none" : d.firing.length}`);
  for (const a of d.firing) lines.push(`  - ${alertText(a, d.timezone)}`);
  if (d.external_url) lines.push("", `Dashboard: ${d.external_url}`);
  return lines.join("\n");
}

/** The digest as the queues carry it. */
export function digestMessage(d: DigestReport): DigestMessage {
  return { kind: "digest", alertId: d.id, title: digestTitle(d), text: plainText(d), digest: d };
}
