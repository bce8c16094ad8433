// Assembles a digest (§19) from what the engine, the alert history and the journal know. Pure:
// every input is handed in, so a test builds one from plain values.
import { alertSubject, SEVERITIES, type AlertRecord, type Severity } from "../domain/alert-record.js";
import { DIGEST_ALERTS_LISTED, type DigestAlertLine, type DigestReport } from "../domain/digest-report.js";
import type { DigestPeriod } from "../domain/digest-schedule.js";
import type { HealthLevel } from "../domain/health.js";
import type { GroupSnapshot, PerformanceSnapshot } from "../domain/snapshots.js";

/** A bot's trades closed in the period (from the journal). */
export interface PeriodTrades {
  trades: number;
  wins: number;
  losses: number;
  pnl: number;
}

export const NO_TRADES: PeriodTrades = { trades: 0, wins: 0, losses: 0, pnl: 0 };

export interface DigestInputs {
  period: DigestPeriod;
  test: boolean;
  timezone: string;
  now: number;
  bots: Array<{ perf: PerformanceSnapshot; health: HealthLevel }>;
  groups: GroupSnapshot[];
  /** Per bot; a bot missing here closed no trade in the period. */
  trades: ReadonlyMap<string, PeriodTrades>;
  /** Alert records that started in the period (any order; the caller picks them). */
  fired: AlertRecord[];
  /** Alert records firing now. */
  firing: AlertRecord[];
  external_url: string | null;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function alertLine(r: AlertRecord): DigestAlertLine {
  return { subject: alertSubject(r), trigger: r.trigger, severity: r.severity, started_at: r.started_at, resolved_at: r.resolved_at };
}

export function buildDigest(i: DigestInputs): DigestReport {
  const tradesOf = (bot: string) => i.trades.get(bot) ?? NO_TRADES;
  const byName =
    <T>(key: (x: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b));
  const fired = [...i.fired];
  fired.sort((a, b) => b.started_at - a.started_at);
  const fired_count = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const r of fired) fired_count[r.severity]++;
  const id = `digest:${i.period.kind}:${i.period.key}${i.test ? `:test:${i.now}` : ""}`;
  return {
    id,
    kind: i.period.kind,
    test: i.test,
    period: i.period,
    timezone: i.timezone,
    generated_at: i.now,
    bots: i.bots
      .map(({ perf: p, health }) => {
        const t = tradesOf(p.bot);
        return {
          bot: p.bot,
          equity: p.equity,
          pnl: t.pnl,
          trades: t.trades,
          wins: t.wins,
          losses: t.losses,
          drawdown: p.drawdown,
          max_drawdown: p.max_drawdown,
          win_rate: finite(p.win_rate),
          sharpe: finite(p.sharpe_ratio),
          health,
        };
      })
      .sort(byName((b) => b.bot)),
    groups: i.groups
      .map((g) => {
        const members = g.members.map(tradesOf);
        return {
          group: g.group,
          members: [...g.members],
          equity: g.equity,
          pnl: members.reduce((s, t) => s + t.pnl, 0),
          trades: members.reduce((s, t) => s + t.trades, 0),
          drawdown: g.drawdown,
          max_drawdown: g.max_drawdown,
          daily_sharpe: finite(g.daily_sharpe_ratio),
        };
      })
      .sort(byName((g) => g.group)),
    fired: fired.slice(0, DIGEST_ALERTS_LISTED).map(alertLine),
    fired_count,
    firing: [...i.firing].sort((a, b) => b.started_at - a.started_at).map(alertLine),
    external_url: i.external_url,
  };
}
