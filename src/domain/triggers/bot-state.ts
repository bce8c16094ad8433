// The on/off triggers of §7, about the bot's state rather than its figures: circuit breaker, kill
// switch, exchange API and silence (bot_stale, beyond the eight).
import { formatDuration } from "../health.js";
import type { SafetySnapshot } from "../snapshots.js";
import { defineTrigger, flag } from "../trigger.js";
import { COUNT, stateIsOn, templateLookup } from "../trigger-rules.js";

const onOff = { threshold: null, minTrades: null, value: { kind: "flag", comparator: "≥" } } as const;

/** A safety switch the bot reports (§3) with a reason: the trigger fires while it is on. */
function safetySwitch<Id extends string>(d: {
  id: Id;
  condition: string;
  meaning: string;
  read: (safety: SafetySnapshot) => { on: boolean; reason: string | null };
  /** The message while on (the reason is appended) and once off. */
  on: string;
  off: string;
  rule: Omit<Parameters<typeof stateIsOn>[0], "trigger">;
}) {
  return defineTrigger({
    id: d.id,
    severity: "critical",
    ...onOff,
    condition: d.condition,
    meaning: d.meaning,
    evaluate: (_perf, ctx, s) => flag(s.enabled, d.read(ctx.safety).on),
    describe: (_ev, _perf, ctx) => {
      const { on, reason } = d.read(ctx.safety);
      if (!on) return d.off;
      return reason ? `${d.on}: ${reason}` : d.on;
    },
    rule: stateIsOn({ ...d.rule, trigger: d.id }),
  });
}

export const circuitBreakerTrip = safetySwitch({
  id: "circuit_breaker_trip",
  condition: "circuit breaker open",
  meaning: "Circuit breaker tripped: the bot paused trading",
  read: (safety) => ({ on: safety.circuit_breaker.open, reason: safety.circuit_breaker.reason }),
  on: "circuit breaker open",
  off: "circuit breaker closed",
  rule: {
    alert: "TradingCircuitBreakerTripped",
    selector: "trading_circuit_breaker_open",
    summary: "Bot {{ $labels.bot }}: circuit breaker is open",
    description:
      "The circuit breaker of bot {{ $labels.bot }} is open: the bot has stopped opening trades. " +
      "It has tripped " +
      templateLookup({ metric: "trading_circuit_breaker_trips_total" }, COUNT) +
      " time(s) in total.",
  },
});

export const killSwitchActivation = safetySwitch({
  id: "kill_switch_activation",
  condition: "kill switch active",
  meaning: "Kill switch activated: the bot stopped trading",
  read: (safety) => ({ on: safety.kill_switch.active, reason: safety.kill_switch.reason }),
  on: "kill switch active",
  off: "kill switch inactive",
  rule: {
    alert: "TradingKillSwitchActive",
    selector: "trading_kill_switch_active",
    summary: "Bot {{ $labels.bot }}: kill switch is active",
    description:
      "The kill switch of bot {{ $labels.bot }} is active: the bot is halted (health CRITICAL). " +
      "Its other trading alerts are inhibited in Alertmanager while this fires.",
  },
});

export const apiDisconnected = defineTrigger({
  id: "api_disconnected",
  severity: "error",
  ...onOff,
  condition: "API status disconnected",
  meaning: "Exchange API disconnected",
  evaluate: (_perf, ctx, s) => flag(s.enabled, ctx.health.api.status === "disconnected"),
  describe: (_ev, _perf, ctx) => {
    const api = ctx.health.api;
    const failures = `${api.consecutive_failures} consecutive failure${api.consecutive_failures === 1 ? "" : "s"}`;
    const detail = api.source === "probe" ? ` (probe: ${failures})` : api.source === "bot" ? " (reported by bot)" : "";
    return `exchange API ${api.status ?? "status unknown"}${detail}`;
  },
  rule: stateIsOn({
    alert: "TradingApiDisconnected",
    trigger: "api_disconnected",
    selector: 'trading_api_status{status="disconnected"}',
    summary: "Bot {{ $labels.bot }}: exchange API is disconnected",
    description:
      "Bot {{ $labels.bot }} reports its exchange API as disconnected (or the exporter's probe failed " +
      "repeatedly). Last measured latency: " +
      templateLookup({ metric: "trading_api_latency_seconds", filter: " >= 0" }, "humanizeDuration") +
      ".",
  }),
});

export const botStale = defineTrigger({
  id: "bot_stale",
  severity: "error",
  threshold: null,
  minTrades: null,
  // The value is the silence in seconds, compared with stale_after_seconds (not a configurable threshold).
  value: { kind: "seconds", comparator: "≥" },
  condition: "bot stale",
  meaning: "Bot went silent: no event within the stale limit",
  evaluate: (_perf, ctx, s) => {
    const last = ctx.safety.last_event_at;
    const silence = last === null ? 0 : Math.max(0, Math.floor((ctx.now - last) / 1000));
    return { active: s.enabled && ctx.health.stale, value: silence, threshold: ctx.staleAfterSeconds };
  },
  describe: ({ value }, _perf, ctx) => {
    const limit = formatDuration(ctx.staleAfterSeconds * 1000);
    return ctx.health.stale
      ? `no event for ${formatDuration(value * 1000)} (stale after ${limit})`
      : `last event ${formatDuration(value * 1000)} ago (stale after ${limit})`;
  },
  rule: stateIsOn({
    alert: "TradingBotStale",
    trigger: "bot_stale",
    selector: "trading_bot_stale",
    summary: "Bot {{ $labels.bot }}: no events, the bot looks stale",
    description:
      "Bot {{ $labels.bot }} has sent heartbeats before but nothing recently: its last event was at " +
      templateLookup({ metric: "trading_last_event_timestamp_seconds" }, "humanizeTimestamp") +
      ".",
  }),
});
