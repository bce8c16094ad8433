// A naive recomputation of a group's fleet figures (§19) from the whole history: member equities
// replayed one by one, the group equity as their plain sum at each step, joins and member cash flows
// as group cash flows, and the same period and daily-series rules as the per-bot oracle.
import type { TradingEvent } from "../../src/domain/events.js";
import type { GroupSnapshot, MetricsSettings } from "../../src/domain/snapshots.js";
import { dailyReturnOf, exactSharpe, exactSortino } from "./exact-stats.js";
import { naiveLocalDay, naiveMonday } from "./naive-metrics.js";

/**
 * §19 and docs/metrics.md: a high scales with equity at a cash flow when both equities are > 0
 * (E_before itself maps to E_after; past the largest double it stays there); a flow to ≤ 0 empties
 * the highs; a flow from ≤ 0 to > 0 starts them afresh at E_after.
 */
function rescaled(high: number, before: number, after: number): number {
  if (after <= 0) return 0;
  if (before <= 0) return after;
  if (high === before) return after;
  return Math.min(high * (after / before), Number.MAX_VALUE);
}

/** The drawdown from a high, 0 from a high ≤ 0 (an emptied account has nothing to draw down). */
function drawdownFrom(high: number, equity: number): number {
  return high > 0 ? (high - equity) / high : 0;
}

export function naiveGroup(
  group: string,
  members: string[],
  history: TradingEvent[],
  settings: MetricsSettings,
  nowMs: number,
): GroupSnapshot {
  const tz = settings.timezone;
  const equityOf = new Map<string, number>();
  const events = history.filter((e) => members.includes(e.bot));
  const sumOfJoined = () => [...equityOf.values()].reduce((a, b) => a + b, 0);
  // Per group event: group equity before / after, whether it was a flow (join or cash flow), day.
  type Step = { before: number; after: number; flows: Array<[number, number]>; pnl: number; day: number };
  const steps: Step[] = [];
  for (const ev of events) {
    const flows: Array<[number, number]> = [];
    const start = sumOfJoined();
    if (!equityOf.has(ev.bot)) {
      const initial = settings.bots[ev.bot]?.initial_equity ?? settings.initial_equity;
      if (equityOf.size > 0) flows.push([start, start + initial]);
      equityOf.set(ev.bot, initial);
    }
    const beforeOwn = equityOf.get(ev.bot)!;
    const beforeGroup = sumOfJoined();
    let own = beforeOwn;
    if (ev.type === "trade") own += ev.pnl;
    else if (ev.type === "equity") own = ev.equity;
    else if (ev.type === "cashflow") own += ev.amount;
    equityOf.set(ev.bot, own);
    const after = sumOfJoined();
    if (ev.type === "cashflow") flows.push([beforeGroup, after]);
    const prevDay = steps.length ? steps[steps.length - 1]!.day : -Infinity;
    steps.push({
      before: steps.length === 0 ? beforeGroup : start,
      after,
      flows,
      pnl: ev.type === "trade" ? ev.pnl : 0,
      day: Math.max(naiveLocalDay(ev.ts, tz), prevDay),
    });
  }
  const snapshotOf = (): GroupSnapshot => ({
    group,
    members,
    equity: 0,
    peak_equity: 0,
    drawdown: 0,
    max_drawdown: 0,
    daily_drawdown: 0,
    weekly_drawdown: 0,
    daily_pnl: 0,
    weekly_pnl: 0,
    total_pnl: 0,
    daily_sharpe_ratio: NaN,
    daily_sortino_ratio: NaN,
    cagr: NaN,
  });
  if (steps.length === 0) return snapshotOf();

  let peak = steps[0]!.before;
  let maxDd = 0;
  for (const s of steps) {
    for (const [b, a] of s.flows) peak = rescaled(peak, b, a);
    peak = Math.max(peak, s.after);
    const dd = drawdownFrom(peak, s.after);
    if (dd > maxDd) maxDd = dd;
  }
  const today = naiveLocalDay(nowMs, tz);
  const last = steps[steps.length - 1]!;
  const equity = last.after;
  const highOf = (inPeriod: (s: Step) => boolean) => {
    const first = steps.findIndex(inPeriod);
    let h = steps[first]!.before;
    for (const s of steps.slice(first)) {
      for (const [b, a] of s.flows) h = rescaled(h, b, a);
      h = Math.max(h, s.after);
    }
    return h;
  };
  const inDay = (s: Step) => s.day === last.day;
  const inWeek = (s: Step) => naiveMonday(s.day) === naiveMonday(last.day);
  const isToday = last.day === today;
  const isThisWeek = naiveMonday(last.day) === naiveMonday(today);
  const hDay = highOf(inDay);
  const hWeek = highOf(inWeek);
  const pnlWhere = (p: (s: Step) => boolean) => steps.filter(p).reduce((a, s) => a + s.pnl, 0);

  // Time-weighted daily returns: each day cut at its flows.
  const daily: number[] = [];
  let prev = steps[0]!.before;
  for (let d = steps[0]!.day; d <= Math.max(today, last.day); d++) {
    let start = prev;
    let factor = 1;
    let end = prev;
    for (const s of steps) {
      if (s.day !== d) continue;
      for (const [b, a] of s.flows) {
        factor *= b / start;
        start = a;
      }
      end = s.after;
    }
    daily.push(dailyReturnOf(factor, end, start));
    prev = end;
  }
  const window = daily.slice(-settings.daily_window_days);
  const ok = window.every(Number.isFinite);
  let growth = 1;
  for (const r of daily) growth *= 1 + r;
  return {
    ...snapshotOf(),
    equity,
    peak_equity: peak,
    drawdown: drawdownFrom(peak, equity),
    max_drawdown: maxDd,
    daily_drawdown: isToday ? drawdownFrom(hDay, equity) : 0,
    weekly_drawdown: isThisWeek ? drawdownFrom(hWeek, equity) : 0,
    daily_pnl: isToday ? pnlWhere(inDay) : 0,
    weekly_pnl: isThisWeek ? pnlWhere(inWeek) : 0,
    total_pnl: steps.reduce((a, s) => a + s.pnl, 0),
    daily_sharpe_ratio: ok ? exactSharpe(window, settings.daily_annualization_factor) : NaN,
    daily_sortino_ratio: ok ? exactSortino(window, settings.daily_annualization_factor) : NaN,
    cagr: daily.length >= settings.cagr_min_days ? growth ** (365 / daily.length) - 1 : NaN,
  };
}
