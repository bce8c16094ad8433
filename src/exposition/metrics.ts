// The /metrics contract of §9. One dedicated registry per format (Prometheus text and
// OpenMetrics), never the global one. Every trading_* value is read from the in-memory state at
// scrape time: `ScrapeView.refresh()` reads the engine once per scrape, and each metric's
// `collect()` copies from that view, so one scrape is internally consistent.
import client, { Counter, Gauge, Registry, type OpenMetricsContentType, type RegistryContentType } from "prom-client";

type AnyRegistry = Registry<RegistryContentType>;
import type { PerformanceSnapshot, SafetySnapshot } from "../engine/types.js";
import { EVENT_TYPES } from "../domain/events.js";
import { registerSourceMetrics, type SourceHealthView } from "./source-metrics.js";

/** What the exposition reads; the server provides it. */
export interface ExpositionSource {
  bots(): string[];
  performance(bot: string): PerformanceSnapshot;
  safety(bot: string): SafetySnapshot;
  /** Health per bot; absent when the exporter runs without alerting. */
  health?(bot: string): { level: "HEALTHY" | "DEGRADED" | "CRITICAL"; stale: boolean; api_status: string | null; api_latency_ms: number | null };
  alerting?(): AlertingView;
  websocketClients?(): number;
  /** Health of the configured ways in (§18). */
  sources?(): SourceHealthView;
}

export interface AlertingView {
  triggers: Array<{ bot: string; trigger: string; severity: string; enabled: boolean; threshold: number | null; min_trades: number | null }>;
  firing: Array<{ bot: string; trigger: string; severity: string }>;
  alertsTotal: Array<{ bot: string; trigger: string; severity: string; count: number }>;
  suppressedTotal: Array<{ bot: string; trigger: string; count: number }>;
  notifications: Array<{ channel: string; sent: number; failed: number }>;
}

interface BotView {
  bot: string;
  perf: PerformanceSnapshot;
  safety: SafetySnapshot;
  health?: ReturnType<NonNullable<ExpositionSource["health"]>>;
}

class ScrapeView {
  bots: BotView[] = [];
  alerting: AlertingView | undefined;
  constructor(private readonly source: ExpositionSource) {}
  refresh(): void {
    const s = this.source;
    this.bots = s.bots().map((bot) => ({ bot, perf: s.performance(bot), safety: s.safety(bot), health: s.health?.(bot) }));
    this.alerting = s.alerting?.();
  }
}

const API_STATUSES = ["connected", "degraded", "disconnected"] as const;
const HEALTH_LEVELS = ["healthy", "degraded", "critical"] as const;
const seconds = (ms: number | null): number => (ms === null ? 0 : ms / 1000);

/** Per-bot gauges read from the performance snapshot. */
const PERFORMANCE_GAUGES: Array<[string, string, (p: PerformanceSnapshot) => number]> = [
  ["trading_equity", "Mark-to-market account equity (quote currency).", (p) => p.equity],
  ["trading_peak_equity", "Highest equity reached (starts at the initial equity).", (p) => p.peak_equity],
  ["trading_drawdown_ratio", "Current drawdown from the all-time peak, (peak - equity) / peak.", (p) => p.drawdown],
  ["trading_daily_drawdown_ratio", "Drawdown from the highest equity of the current day.", (p) => p.daily_drawdown],
  ["trading_weekly_drawdown_ratio", "Drawdown from the highest equity of the current week.", (p) => p.weekly_drawdown],
  ["trading_max_drawdown_ratio", "Largest drawdown ever seen.", (p) => p.max_drawdown],
  ["trading_sharpe_ratio", "Annualized Sharpe ratio over the rolling window of per-trade returns (NaN below 2 trades).", (p) => p.sharpe_ratio],
  ["trading_sortino_ratio", "Annualized Sortino ratio over the rolling window of per-trade returns.", (p) => p.sortino_ratio],
  ["trading_daily_sharpe_ratio", "Annualized Sharpe ratio over daily equity returns.", (p) => p.daily_sharpe_ratio],
  ["trading_daily_sortino_ratio", "Annualized Sortino ratio over daily equity returns.", (p) => p.daily_sortino_ratio],
  ["trading_win_rate_ratio", "Share of winning trades in the rolling window.", (p) => p.win_rate],
  ["trading_window_trades", "Trades in the rolling window (n).", (p) => p.window_trades],
  ["trading_consecutive_losses", "Current streak of losing trades.", (p) => p.consecutive_losses],
  ["trading_max_consecutive_losses", "Longest streak of losing trades ever.", (p) => p.max_consecutive_losses],
  ["trading_daily_pnl", "Realized P&L of the current day (quote currency).", (p) => p.daily_pnl],
  ["trading_weekly_pnl", "Realized P&L of the current week (quote currency).", (p) => p.weekly_pnl],
  ["trading_realized_pnl", "Realized P&L of all trades (quote currency).", (p) => p.total_pnl],
  ["trading_last_trade_timestamp_seconds", "Event time of the latest trade (0: none yet).", (p) => seconds(p.last_trade_at)],
  ["trading_last_event_timestamp_seconds", "Event time of the latest event.", (p) => seconds(p.last_event_at)],
  // §19 trade statistics, cash flows
  ["trading_profit_factor", "Gross profit / gross loss over all trades (+Inf: no loss yet).", (p) => p.profit_factor],
  ["trading_expectancy", "Mean P&L per trade, breakeven included (quote currency).", (p) => p.expectancy],
  ["trading_avg_win", "Mean P&L of winning trades (quote currency).", (p) => p.avg_win],
  ["trading_avg_loss", "Mean size of losing trades, as a positive number (quote currency).", (p) => p.avg_loss],
  ["trading_payoff_ratio", "Average win / average loss.", (p) => p.payoff_ratio],
  ["trading_largest_win", "Largest winning trade's P&L (0: none; quote currency).", (p) => p.largest_win],
  ["trading_largest_loss", "Largest losing trade's size, as a positive number (0: none; quote currency).", (p) => p.largest_loss],
  ["trading_sqn", "System Quality Number over the rolling window, sqrt(n) * mean / sd of per-trade returns.", (p) => p.sqn],
  ["trading_cagr_ratio", "Compound annual growth rate of the time-weighted daily returns (NaN before cagr_min_days).", (p) => p.cagr],
  ["trading_calmar_ratio", "CAGR / max drawdown.", (p) => p.calmar_ratio],
  ["trading_net_cashflow", "Deposits minus withdrawals (quote currency).", (p) => p.net_cashflow],
];

const SAFETY_GAUGES: Array<[string, string, (s: SafetySnapshot) => number]> = [
  ["trading_kill_switch_active", "1 when the bot's kill switch is active.", (s) => (s.kill_switch.active ? 1 : 0)],
  ["trading_circuit_breaker_open", "1 when the bot's circuit breaker is open.", (s) => (s.circuit_breaker.open ? 1 : 0)],
  ["trading_open_positions", "Open positions as last reported.", (s) => s.positions.open ?? 0],
  ["trading_max_positions", "Maximum positions as last reported (0: not reported).", (s) => s.positions.max ?? 0],
  ["trading_position_utilization_ratio", "Open positions / maximum positions.", (s) => s.positions.utilization],
];

export interface ExporterMetrics {
  /** Serves the registry matching the scraper's Accept header. */
  render(accept: string | undefined): Promise<{ contentType: string; body: string }>;
  eventAccepted(type: string): void;
  eventRejected(reason: string, count?: number): void;
  duplicateTrade(bot: string): void;
}

export function createExporterMetrics(source: ExpositionSource, version: string): ExporterMetrics {
  const text = new Registry();
  const openMetrics = new Registry<OpenMetricsContentType>();
  openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const registers: AnyRegistry[] = [text, openMetrics];
  const view = new ScrapeView(source);

  const botGauge = <T>(name: string, help: string, from: (b: BotView) => T | undefined, value: (x: T) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["bot"],
      registers,
      collect() {
        this.reset();
        for (const b of view.bots) {
          const x = from(b);
          if (x !== undefined) this.set({ bot: b.bot }, value(x));
        }
      },
    });

  for (const [name, help, read] of PERFORMANCE_GAUGES) botGauge(name, help, (b) => b.perf, read);
  for (const [name, help, read] of SAFETY_GAUGES) botGauge(name, help, (b) => b.safety, read);

  new Counter({
    name: "trading_trades_total",
    help: "Closed trades by outcome (win: pnl > 0, loss: pnl < 0, breakeven: pnl = 0).",
    labelNames: ["bot", "outcome"],
    registers,
    collect() {
      this.reset();
      for (const { bot, perf } of view.bots) {
        this.inc({ bot, outcome: "win" }, perf.trades.wins);
        this.inc({ bot, outcome: "loss" }, perf.trades.losses);
        this.inc({ bot, outcome: "breakeven" }, perf.trades.breakeven);
      }
    },
  });
  const botCounter = (name: string, help: string, read: (b: BotView) => number) =>
    new Counter({
      name,
      help,
      labelNames: ["bot"],
      registers,
      collect() {
        this.reset();
        for (const b of view.bots) this.inc({ bot: b.bot }, read(b));
      },
    });
  botCounter("trading_gross_profit_total", "Sum of winning trades' P&L (quote currency).", (b) => b.perf.gross_profit);
  botCounter("trading_gross_loss_total", "Sum of losing trades' P&L, as an absolute value (quote currency).", (b) => b.perf.gross_loss);
  botCounter("trading_circuit_breaker_trips_total", "Times the circuit breaker went from closed to open.", (b) => b.safety.circuit_breaker.trips);

  new Gauge({
    name: "trading_api_status",
    help: "Exchange API status, one-hot over connected / degraded / disconnected (all 0: never reported).",
    labelNames: ["bot", "status"],
    registers,
    collect() {
      this.reset();
      for (const b of view.bots) {
        // Never reported: all three 0 (unknown), rather than claiming "connected".
        const current = b.health?.api_status ?? b.safety.api.status;
        for (const status of API_STATUSES) this.set({ bot: b.bot, status }, current === status ? 1 : 0);
      }
    },
  });
  botGauge("trading_api_latency_seconds", "Latency of the exchange API as last reported or probed.", (b) => b, (b) =>
    seconds(b.health?.api_latency_ms ?? b.safety.api.latency_ms),
  );

  if (source.health) {
    botGauge("trading_bot_stale", "1 when the bot has sent heartbeats but no event for stale_after_seconds.", (b) => b.health, (h) => (h.stale ? 1 : 0));
    new Gauge({
      name: "trading_health_status",
      help: "Bot health, one-hot over healthy / degraded / critical.",
      labelNames: ["bot", "level"],
      registers,
      collect() {
        this.reset();
        for (const b of view.bots) {
          const level = b.health?.level.toLowerCase();
          for (const l of HEALTH_LEVELS) this.set({ bot: b.bot, level: l }, level === l ? 1 : 0);
        }
      },
    });
  }
  if (source.alerting) registerAlertingMetrics(registers, view);
  if (source.sources) registerSourceMetrics(registers, source.sources);

  const events = new Counter({ name: "trading_events_total", help: "Events accepted and applied, by type.", labelNames: ["event"], registers });
  for (const t of EVENT_TYPES) events.inc({ event: t }, 0);
  const rejected = new Counter({ name: "trading_events_rejected_total", help: "Requests or events rejected, by reason.", labelNames: ["reason"], registers });
  const duplicates = new Counter({
    name: "trading_duplicate_trades_total",
    help: "Trades re-sent with an id already applied (acknowledged, not applied).",
    labelNames: ["bot"],
    registers,
    collect() {
      // Every bot's series exists from its first event on, so increase() sees the first duplicate.
      for (const b of view.bots) this.inc({ bot: b.bot }, 0);
    },
  });
  new Gauge({ name: "trading_exporter_build_info", help: "Build information; the value is always 1.", labelNames: ["version"], registers }).set({ version }, 1);
  new Gauge({
    name: "trading_websocket_clients",
    help: "Connected WebSocket clients.",
    registers,
    collect() {
      this.set(source.websocketClients?.() ?? 0);
    },
  });
  for (const register of registers) {
    client.collectDefaultMetrics({ register });
    // These three are gauges named like counters, which `promtool check metrics` rejects; the
    // same numbers stay available per type in nodejs_active_{handles,requests,resources}.
    for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) {
      register.removeSingleMetric(name);
    }
  }

  return {
    async render(accept) {
      const registry = accept?.includes("application/openmetrics-text") ? openMetrics : text;
      view.refresh();
      // prom-client prints NaN as "Nan"; both formats spell it "NaN".
      const body = (await registry.metrics()).replace(/ Nan$/gm, " NaN");
      return { contentType: registry.contentType, body };
    },
    eventAccepted: (type) => events.inc({ event: type }),
    eventRejected: (reason, count = 1) => rejected.inc({ reason }, count),
    duplicateTrade: (bot) => duplicates.inc({ bot }),
  };
}

function registerAlertingMetrics(registers: AnyRegistry[], view: ScrapeView): void {
  const fromAlerting = <K extends keyof AlertingView>(key: K) => () => view.alerting?.[key] ?? [];
  const triggers = fromAlerting("triggers");
  const triggerGauge = (name: string, help: string, read: (t: AlertingView["triggers"][number]) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ["bot", "trigger"],
      registers,
      collect() {
        this.reset();
        for (const t of triggers()) {
          const value = read(t);
          if (value !== null) this.set({ bot: t.bot, trigger: t.trigger }, value);
        }
      },
    });
  triggerGauge("trading_alert_threshold", "Effective threshold of each alert trigger (Prometheus rules read it).", (t) => t.threshold);
  triggerGauge("trading_alert_min_trades", "Effective minimum window trades of each alert trigger.", (t) => t.min_trades);
  triggerGauge("trading_alert_enabled", "1 when the alert trigger is enabled for the bot.", (t) => (t.enabled ? 1 : 0));
  new Gauge({
    name: "trading_alert_firing",
    help: "1 while the native alert is firing.",
    labelNames: ["bot", "trigger", "severity"],
    registers,
    collect() {
      this.reset();
      for (const f of fromAlerting("firing")()) this.set({ bot: f.bot, trigger: f.trigger, severity: f.severity }, 1);
    },
  });
  new Counter({
    name: "trading_alerts_total",
    help: "Native alert firings.",
    labelNames: ["bot", "trigger", "severity"],
    registers,
    collect() {
      this.reset();
      // Pre-created at 0 for every (bot, trigger), so increase() sees the first firing.
      for (const t of triggers()) this.inc({ bot: t.bot, trigger: t.trigger, severity: t.severity }, 0);
      for (const a of fromAlerting("alertsTotal")()) this.inc({ bot: a.bot, trigger: a.trigger, severity: a.severity }, a.count);
    },
  });
  new Counter({
    name: "trading_alerts_suppressed_total",
    help: "Firings not notified because of the cooldown (debounce).",
    labelNames: ["bot", "trigger"],
    registers,
    collect() {
      this.reset();
      for (const t of triggers()) this.inc({ bot: t.bot, trigger: t.trigger }, 0);
      for (const a of fromAlerting("suppressedTotal")()) this.inc({ bot: a.bot, trigger: a.trigger }, a.count);
    },
  });
  const channelCounter = (name: string, help: string, read: (n: AlertingView["notifications"][number]) => number) =>
    new Counter({
      name,
      help,
      labelNames: ["channel"],
      registers,
      collect() {
        this.reset();
        for (const n of fromAlerting("notifications")()) this.inc({ channel: n.channel }, read(n));
      },
    });
  channelCounter("trading_notifications_total", "Notifications delivered, by channel.", (n) => n.sent);
  channelCounter("trading_notification_failures_total", "Notifications that failed after every attempt, by channel.", (n) => n.failed);
}
