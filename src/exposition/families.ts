// The families of §9, as a table: each entry names a family and says how to read its series
// from one scrape's view of the state. Adding a family is adding an entry (botGauge for one value
// per bot, `family` for anything with more labels); the order here is the order on /metrics.
import type { PerformanceSnapshot, SafetySnapshot } from "../domain/snapshots.js";
import type { AddSeries, FamilyDefinition } from "./ready-family.js";
import type { AlertingView, BotAlertingView, BotView, ScrapeView } from "./scrape-view.js";

export type Family = FamilyDefinition<ScrapeView, BotView>;

/** A family written from the whole view (fleet-wide, few series, or not per bot). */
export const family = (
  name: string,
  help: string,
  type: Family["type"],
  labels: readonly string[],
  collect: NonNullable<Family["collect"]>,
): Family => ({ name, help, type, labels, collect });

const readsState = (b: BotView): object => b.state;
const readsAlerting = (b: BotView): object => b.alerting!;

/** A family whose series are written bot by bot from the bot's state (performance, safety, health). */
const stateFamily = (
  name: string,
  help: string,
  type: Family["type"],
  labels: readonly string[],
  write: (b: BotView, add: AddSeries) => void,
): Family => ({ name, help, type, labels, perBot: { reads: readsState, write } });

/** One series per bot, `{bot}`; `undefined` leaves the bot out. */
export const botFamily = (type: Family["type"], name: string, help: string, read: (b: BotView) => number | undefined): Family =>
  stateFamily(name, help, type, ["bot"], (b, add) => {
    const value = read(b);
    if (value !== undefined) add(value, b.bot);
  });
export const botGauge = (name: string, help: string, read: (b: BotView) => number | undefined) => botFamily("gauge", name, help, read);
const botCounter = (name: string, help: string, read: (b: BotView) => number) => botFamily("counter", name, help, read);

/** `{bot, <label>}` over every value of `label`, 1 for the current one (none current: all 0). */
const oneHot = (
  name: string,
  help: string,
  label: string,
  values: readonly string[],
  current: (b: BotView) => string | null | undefined,
): Family =>
  stateFamily(name, help, "gauge", ["bot", label], (b, add) => {
    const now = current(b);
    for (const v of values) add(now === v ? 1 : 0, b.bot, v);
  });

const seconds = (ms: number | null): number => (ms === null ? 0 : ms / 1000);
const perf = (name: string, help: string, read: (p: PerformanceSnapshot) => number) => botGauge(name, help, (b) => read(b.state.perf));
const safety = (name: string, help: string, read: (s: SafetySnapshot) => number) => botGauge(name, help, (b) => read(b.state.safety));

export const PERFORMANCE_FAMILIES: Family[] = [
  perf("trading_equity", "Mark-to-market account equity (quote currency).", (p) => p.equity),
  perf("trading_peak_equity", "Highest equity reached (starts at the initial equity).", (p) => p.peak_equity),
  perf("trading_drawdown_ratio", "Current drawdown from the all-time peak, (peak - equity) / peak.", (p) => p.drawdown),
  perf("trading_daily_drawdown_ratio", "Drawdown from the highest equity of the current day.", (p) => p.daily_drawdown),
  perf("trading_weekly_drawdown_ratio", "Drawdown from the highest equity of the current week.", (p) => p.weekly_drawdown),
  perf("trading_max_drawdown_ratio", "Largest drawdown ever seen.", (p) => p.max_drawdown),
  perf(
    "trading_sharpe_ratio",
    "Annualized Sharpe ratio over the rolling window of per-trade returns (NaN below 2 trades).",
    (p) => p.sharpe_ratio,
  ),
  perf("trading_sortino_ratio", "Annualized Sortino ratio over the rolling window of per-trade returns.", (p) => p.sortino_ratio),
  perf("trading_daily_sharpe_ratio", "Annualized Sharpe ratio over daily equity returns.", (p) => p.daily_sharpe_ratio),
  perf("trading_daily_sortino_ratio", "Annualized Sortino ratio over daily equity returns.", (p) => p.daily_sortino_ratio),
  perf("trading_win_rate_ratio", "Share of winning trades in the rolling window.", (p) => p.win_rate),
  perf("trading_window_trades", "Trades in the rolling window (n).", (p) => p.window_trades),
  perf("trading_consecutive_losses", "Current streak of losing trades.", (p) => p.consecutive_losses),
  perf("trading_max_consecutive_losses", "Longest streak of losing trades ever.", (p) => p.max_consecutive_losses),
  perf("trading_daily_pnl", "Realized P&L of the current day (quote currency).", (p) => p.daily_pnl),
  perf("trading_weekly_pnl", "Realized P&L of the current week (quote currency).", (p) => p.weekly_pnl),
  perf("trading_realized_pnl", "Realized P&L of all trades (quote currency).", (p) => p.total_pnl),
  perf("trading_last_trade_timestamp_seconds", "Event time of the latest trade (0: none yet).", (p) => seconds(p.last_trade_at)),
  perf("trading_last_event_timestamp_seconds", "Event time of the latest event.", (p) => seconds(p.last_event_at)),
  // §19 trade statistics, cash flows
  perf("trading_profit_factor", "Gross profit / gross loss over all trades (+Inf: no loss yet).", (p) => p.profit_factor),
  perf("trading_expectancy", "Mean P&L per trade, breakeven included (quote currency).", (p) => p.expectancy),
  perf("trading_avg_win", "Mean P&L of winning trades (quote currency).", (p) => p.avg_win),
  perf("trading_avg_loss", "Mean size of losing trades, as a positive number (quote currency).", (p) => p.avg_loss),
  perf("trading_payoff_ratio", "Average win / average loss.", (p) => p.payoff_ratio),
  perf("trading_largest_win", "Largest winning trade's P&L (0: none; quote currency).", (p) => p.largest_win),
  perf("trading_largest_loss", "Largest losing trade's size, as a positive number (0: none; quote currency).", (p) => p.largest_loss),
  perf("trading_sqn", "System Quality Number over the rolling window, sqrt(n) * mean / sd of per-trade returns.", (p) => p.sqn),
  perf("trading_cagr_ratio", "Compound annual growth rate of the time-weighted daily returns (NaN before cagr_min_days).", (p) => p.cagr),
  perf("trading_calmar_ratio", "CAGR / max drawdown.", (p) => p.calmar_ratio),
  perf("trading_net_cashflow", "Deposits minus withdrawals (quote currency).", (p) => p.net_cashflow),
];

export const SAFETY_FAMILIES: Family[] = [
  safety("trading_kill_switch_active", "1 when the bot's kill switch is active.", (s) => (s.kill_switch.active ? 1 : 0)),
  safety("trading_circuit_breaker_open", "1 when the bot's circuit breaker is open.", (s) => (s.circuit_breaker.open ? 1 : 0)),
  safety("trading_open_positions", "Open positions as last reported.", (s) => s.positions.open ?? 0),
  safety("trading_max_positions", "Maximum positions as last reported (0: not reported).", (s) => s.positions.max ?? 0),
  safety("trading_position_utilization_ratio", "Open positions / maximum positions.", (s) => s.positions.utilization),
  stateFamily(
    "trading_trades_total",
    "Closed trades by outcome (win: pnl > 0, loss: pnl < 0, breakeven: pnl = 0).",
    "counter",
    ["bot", "outcome"],
    ({ bot, state: { perf: p } }, add) => {
      add(p.trades.wins, bot, "win");
      add(p.trades.losses, bot, "loss");
      add(p.trades.breakeven, bot, "breakeven");
    },
  ),
  botCounter("trading_gross_profit_total", "Sum of winning trades' P&L (quote currency).", (b) => b.state.perf.gross_profit),
  botCounter(
    "trading_gross_loss_total",
    "Sum of losing trades' P&L, as an absolute value (quote currency).",
    (b) => b.state.perf.gross_loss,
  ),
  botCounter(
    "trading_circuit_breaker_trips_total",
    "Times the circuit breaker went from closed to open.",
    (b) => b.state.safety.circuit_breaker.trips,
  ),
  // Never reported: all three 0 (unknown), rather than claiming "connected".
  oneHot(
    "trading_api_status",
    "Exchange API status, one-hot over connected / degraded / disconnected (all 0: never reported).",
    "status",
    ["connected", "degraded", "disconnected"],
    (b) => b.state.health?.api_status ?? b.state.safety.api.status,
  ),
  botGauge("trading_api_latency_seconds", "Latency of the exchange API as last reported or probed.", (b) =>
    seconds(b.state.health?.api_latency_ms ?? b.state.safety.api.latency_ms),
  ),
];

export const HEALTH_FAMILIES: Family[] = [
  botGauge("trading_bot_stale", "1 when the bot has sent heartbeats but no event for stale_after_seconds.", (b) =>
    b.state.health ? (b.state.health.stale ? 1 : 0) : undefined,
  ),
  oneHot(
    "trading_health_status",
    "Bot health, one-hot over healthy / degraded / critical.",
    "level",
    ["healthy", "degraded", "critical"],
    (b) => b.state.health?.level.toLowerCase(),
  ),
];

interface TriggerCount {
  bot: string;
  trigger: string;
  /** Only for the families labelled by severity. */
  severity?: string;
  count: number;
}

type BotTrigger = BotAlertingView["triggers"][number];

/**
 * A (bot, trigger[, severity]) counter, pre-created at 0 for every configured trigger so increase()
 * sees the first count: the bot's counts (few: what fired) matched to its triggers.
 */
function botTriggerCounts(triggers: BotTrigger[], counted: TriggerCount[], bySeverity: boolean, add: AddSeries): void {
  for (const t of triggers) {
    let n = 0;
    for (const r of counted) if (r.trigger === t.trigger && (!bySeverity || r.severity === t.severity)) n += r.count;
    add(n, t.bot, t.trigger, bySeverity ? t.severity : undefined);
  }
}

/** After every bot's: the counted series of no configured trigger (a severity since changed, a bot gone). */
function unconfiguredCounts(view: ScrapeView, counted: TriggerCount[], bySeverity: boolean, add: AddSeries): void {
  if (counted.length === 0) return;
  const byBot = new Map(view.bots.map((b) => [b.bot, b]));
  for (const r of counted) {
    const configured = byBot
      .get(r.bot)
      ?.alerting?.triggers.some((t) => t.trigger === r.trigger && (!bySeverity || t.severity === r.severity));
    if (!configured) add(r.count, r.bot, r.trigger, bySeverity ? r.severity : undefined);
  }
}

/** A family written bot by bot from the bot's alerting view. */
const alertingFamily = (
  name: string,
  help: string,
  type: Family["type"],
  labels: readonly string[],
  write: (a: BotAlertingView, add: AddSeries) => void,
  after?: Family["after"],
): Family => ({ name, help, type, labels, perBot: { reads: readsAlerting, write: (b, add) => write(b.alerting!, add) }, after });

const triggerGauge = (name: string, help: string, read: (t: BotTrigger) => number | null): Family =>
  alertingFamily(name, help, "gauge", ["bot", "trigger"], (a, add) => {
    for (const t of a.triggers) {
      const value = read(t);
      if (value !== null) add(value, t.bot, t.trigger);
    }
  });
const channelCounter = (name: string, help: string, read: (n: AlertingView["notifications"][number]) => number): Family =>
  family(name, help, "counter", ["channel"], (view, add) => {
    for (const n of view.alerting?.notifications ?? []) add(read(n), n.channel);
  });

export const ALERTING_FAMILIES: Family[] = [
  triggerGauge("trading_alert_threshold", "Effective threshold of each alert trigger (Prometheus rules read it).", (t) => t.threshold),
  triggerGauge("trading_alert_min_trades", "Effective minimum window trades of each alert trigger.", (t) => t.min_trades),
  triggerGauge("trading_alert_enabled", "1 when the alert trigger is enabled for the bot.", (t) => (t.enabled ? 1 : 0)),
  family("trading_alert_firing", "1 while the native alert is firing.", "gauge", ["bot", "trigger", "severity"], (view, add) => {
    for (const f of view.alerting?.firing ?? []) add(1, f.bot, f.trigger, f.severity);
  }),
  // Pre-created at 0 for every (bot, trigger), so increase() sees the first firing.
  alertingFamily(
    "trading_alerts_total",
    "Native alert firings.",
    "counter",
    ["bot", "trigger", "severity"],
    (a, add) => botTriggerCounts(a.triggers, a.alertCounts, true, add),
    (view, add) => unconfiguredCounts(view, view.alerting?.alertsTotal ?? [], true, add),
  ),
  alertingFamily(
    "trading_alerts_suppressed_total",
    "Firings not notified because of the cooldown (debounce).",
    "counter",
    ["bot", "trigger"],
    (a, add) => botTriggerCounts(a.triggers, a.suppressedCounts, false, add),
    (view, add) => unconfiguredCounts(view, view.alerting?.suppressedTotal ?? [], false, add),
  ),
  channelCounter("trading_notifications_total", "Notifications delivered, by channel.", (n) => n.sent),
  channelCounter("trading_notification_failures_total", "Notifications that failed after every attempt, by channel.", (n) => n.failed),
];

const fromMap = (name: string, help: string, label: string, read: (v: ScrapeView) => ReadonlyMap<string, number>): Family =>
  family(name, help, "counter", [label], (view, add) => {
    for (const [value, n] of read(view)) add(n, value);
  });

export const EXPORTER_FAMILIES: Family[] = [
  fromMap("trading_events_total", "Events accepted and applied, by type.", "event", (v) => v.events),
  fromMap("trading_events_rejected_total", "Requests or events rejected, by reason.", "reason", (v) => v.rejected),
  // Every bot's series exists from its first event on, so increase() sees the first duplicate.
  family(
    "trading_duplicate_trades_total",
    "Trades re-sent with an id already applied (acknowledged, not applied).",
    "counter",
    ["bot"],
    (view, add) => {
      for (const b of view.bots) add(view.duplicates.get(b.bot) ?? 0, b.bot);
    },
  ),
  family("trading_exporter_build_info", "Build information; the value is always 1.", "gauge", ["version"], (view, add) =>
    add(1, view.version),
  ),
  family("trading_websocket_clients", "Connected WebSocket clients.", "gauge", [], (view, add) => add(view.websocketClients)),
];
