// The end-to-end scenario: one bot per trigger (so an inhibition never hides the alert a bot is there
// for), a few bots whose extra alerts exist to be inhibited, and what §7/§14 say must come out.
// The expected alerts are written out by hand from the reference (docs/reference.md), not derived from src/bundle.

type Event = Record<string, unknown>;

const trades = (bot: string, pnls: number[], prefix: string): Event[] =>
  pnls.map((pnl, i) => ({ type: "trade", bot, id: `${prefix}${i}`, pnl }));

/** The bot whose data every Grafana panel query is run for: it has trades, positions, API latency,
 * a duplicate, a breaker trip and firing alerts (native and Prometheus), so every panel has a series. */
export const SHOWCASE_BOT = "breaker";

/** The only member of group `desk`; its own drawdown alerts are switched off, so only the group's fire. */
export const GROUP_MEMBER = "deskbot";
export const GROUP_CONFIG = {
  groups: { desk: [GROUP_MEMBER] },
  bots: {
    [GROUP_MEMBER]: {
      triggers: { daily_drawdown: { enabled: false }, weekly_drawdown: { enabled: false }, total_drawdown: { enabled: false } },
    },
  },
};

/** Under the default 5 % daily threshold (3 %) until a run-time change lowers it to 2 %. */
export const TUNED_BOT = "tune";
export const TUNED_THRESHOLD = 0.02;

/** Each inner array is one signed POST /api/v1/events (initial equity 10 000 for every bot). */
export const SCENARIO: Event[][] = [
  // Kill switch, plus a 6 % daily drawdown that the kill switch must inhibit in Alertmanager.
  [{ type: "kill_switch", bot: "ks", active: true, reason: "manual stop" }, ...trades("ks", [-600], "k")],
  // 25 % from the peak: total (≥ 20 %), weekly (≥ 10 %) and daily (≥ 5 %) all fire; total inhibits the other two.
  trades("total", [-2500], "t"),
  // 11 %: weekly and daily fire; weekly inhibits daily.
  trades("weekly", [-1100], "w"),
  // 6 %: only daily. `tune` (3 %) rides in the same batch, so the scrape that makes `daily` fire also
  // shows that `tune` does not.
  [...trades("daily", [-600], "d"), ...trades(TUNED_BOT, [-300], "u")],
  // Breaker open, with enough activity for every panel of the bot dashboard (win rate 50 % on 4 trades,
  // drawdown 0.2 %: nothing else fires).
  [
    ...trades(SHOWCASE_BOT, [50, -20, 30, -10], "b"),
    { type: "positions", bot: SHOWCASE_BOT, open: 2, max: 5 },
    { type: "api_status", bot: SHOWCASE_BOT, status: "connected", latency_ms: 80 },
    { type: "circuit_breaker", bot: SHOWCASE_BOT, open: true, reason: "5 losses in 1 h" },
  ],
  // 10 losses in a row after 10 wins: win rate 50 % over 20 trades, so low_win_rate stays quiet.
  [...trades("streak", Array(10).fill(1), "w"), ...trades("streak", Array(10).fill(-1), "l")],
  // 2 wins in 10 (20 % < 30 %, n = 10 ≥ min_trades); 8 losses in a row stay under 10.
  trades("lowwin", [1, 1, -1, -1, -1, -1, -1, -1, -1, -1], "a"),
  [{ type: "api_status", bot: "api", status: "disconnected" }],
  // One heartbeat and then silence: stale after health.stale_after_seconds (3 s in the test config).
  [{ type: "heartbeat", bot: "stale" }],
  // Group `desk` (§19) of one bot whose own drawdown triggers are off (GROUP_CONFIG): 25 % below the
  // group's peak fires the group's total, weekly and daily drawdowns; total inhibits the other two.
  trades(GROUP_MEMBER, [-2500], "g"),
];

/** Re-sends an applied trade (trading_duplicate_trades_total) with a change that makes the body unique. */
export const DUPLICATE_BATCH: Event[] = [
  { type: "trade", bot: SHOWCASE_BOT, id: "b0", pnl: 50 },
  { type: "positions", bot: SHOWCASE_BOT, open: 3, max: 5 },
];

/** An invalid event (trading_events_rejected_total). */
export const INVALID_BATCH: Event[] = [{ type: "trade", bot: SHOWCASE_BOT, id: "bad", pnl: "a lot" }];

/** The bundle's receivers by severity (alertmanager.yml's routes). */
const RECEIVER = { critical: "trading-critical", error: "trading-error", warning: "trading-warning" } as const;

export interface ExpectedAlert {
  alertname: string;
  trigger: string;
  severity: keyof typeof RECEIVER;
  /** A bot's alert names its bot; a group's (§19) its group instead. */
  bot?: string;
  group?: string;
}

export const receiverFor = (a: ExpectedAlert): string => RECEIVER[a.severity];

/** §14 names, §7 ids and default severities: one delivered alert per trigger. */
export const DELIVERED: ExpectedAlert[] = [
  { alertname: "TradingDailyDrawdown", trigger: "daily_drawdown", severity: "warning", bot: "daily" },
  { alertname: "TradingWeeklyDrawdown", trigger: "weekly_drawdown", severity: "error", bot: "weekly" },
  { alertname: "TradingTotalDrawdown", trigger: "total_drawdown", severity: "critical", bot: "total" },
  { alertname: "TradingCircuitBreakerTripped", trigger: "circuit_breaker_trip", severity: "critical", bot: SHOWCASE_BOT },
  { alertname: "TradingKillSwitchActive", trigger: "kill_switch_activation", severity: "critical", bot: "ks" },
  { alertname: "TradingConsecutiveLosses", trigger: "consecutive_losses", severity: "warning", bot: "streak" },
  { alertname: "TradingLowWinRate", trigger: "low_win_rate", severity: "warning", bot: "lowwin" },
  { alertname: "TradingApiDisconnected", trigger: "api_disconnected", severity: "error", bot: "api" },
  { alertname: "TradingBotStale", trigger: "bot_stale", severity: "error", bot: "stale" },
  { alertname: "TradingGroupTotalDrawdown", trigger: "total_drawdown", severity: "critical", group: "desk" },
];

/** Firing in Prometheus (and natively) but muted by the bundle's inhibit_rules (`equal: [bot]`, for groups `[group]`). */
export const INHIBITED: Array<ExpectedAlert & { by: string }> = [
  { alertname: "TradingDailyDrawdown", trigger: "daily_drawdown", severity: "warning", bot: "ks", by: "TradingKillSwitchActive" },
  { alertname: "TradingWeeklyDrawdown", trigger: "weekly_drawdown", severity: "error", bot: "total", by: "TradingTotalDrawdown" },
  { alertname: "TradingDailyDrawdown", trigger: "daily_drawdown", severity: "warning", bot: "total", by: "TradingTotalDrawdown" },
  { alertname: "TradingDailyDrawdown", trigger: "daily_drawdown", severity: "warning", bot: "weekly", by: "TradingWeeklyDrawdown" },
  {
    alertname: "TradingGroupWeeklyDrawdown",
    trigger: "weekly_drawdown",
    severity: "error",
    group: "desk",
    by: "TradingGroupTotalDrawdown",
  },
  {
    alertname: "TradingGroupDailyDrawdown",
    trigger: "daily_drawdown",
    severity: "warning",
    group: "desk",
    by: "TradingGroupTotalDrawdown",
  },
];

/** The alert the run-time threshold change must produce. */
export const TUNED: ExpectedAlert = { alertname: "TradingDailyDrawdown", trigger: "daily_drawdown", severity: "warning", bot: TUNED_BOT };

const subject = (a: { bot?: string; group?: string }) => (a.group !== undefined ? `group:${a.group}` : `${a.bot}`);
export const pairKey = (a: { bot?: string; group?: string; trigger?: string }): string => `${subject(a)}/${a.trigger}`;
export const alertKey = (a: { bot?: string; group?: string; alertname?: string }): string => `${subject(a)}/${a.alertname}`;

/**
 * A fixed-offset zone where it is about noon now, for `metrics.timezone`: the daily and weekly periods
 * then cannot roll over during the run (at midnight the daily drawdowns would drop to 0 and resolve).
 */
export function noonTimeZone(now = new Date()): string {
  const offset = now.getUTCHours() - 12; // Etc/GMT+N is UTC−N (POSIX sign)
  return offset === 0 ? "UTC" : `Etc/GMT${offset > 0 ? "+" : "-"}${Math.abs(offset)}`;
}
