// What one poll of Freqtrade reports as state events (§3, §11): heartbeat, equity, positions, kill
// switch, circuit breaker and API status, each only when it changed since the sink last
// acknowledged it. Pure: the poller hands it what it read and keeps `next` once the sink has
// acknowledged the events.
import type { ApiStatus } from "../domain/snapshots.js";
import { circuitBreakerOf, type FtLock } from "./freqtrade-api.js";

/** `max_open_trades: -1` (unlimited) has no §3 encoding (`max ≥ 1`): this sentinel keeps utilization ≈ 0. */
export const UNLIMITED_POSITIONS = 2_147_483_647;

/** The values last acknowledged by the sink (positions, kill switch and breaker as their JSON). */
export interface LastReported {
  heartbeat?: number;
  equity?: number;
  positions?: string;
  kill?: string;
  breaker?: string;
  api?: ApiStatus;
}

export interface PollReadings {
  bot: string;
  now: number;
  /** Freqtrade's last processing time (ms, /health), the poll's time when it has no /health, null when it reports none. */
  stateTs: number | null;
  /** /balance `total`, undefined when not read. */
  equity: number | undefined;
  /** Trades the sink accepted in this poll: the equity after them is reported even when it did not change. */
  tradesApplied: number;
  /** /count, null when not read. */
  count: { current?: number; max?: number } | null;
  /** /show_config `state`, null when not read. */
  state: string | null;
  /** /locks, null when not read. */
  locks: FtLock[] | null;
  api: ApiStatus;
  /** /ping's round trip, null when the ping failed. */
  latencyMs: number | null;
}

export function stateEvents(r: PollReadings, last: LastReported): { events: Record<string, unknown>[]; next: LastReported } {
  const next = { ...last };
  const events: Record<string, unknown>[] = [];
  const push = (e: Record<string, unknown>) => events.push({ bot: r.bot, ...e });
  const ts = r.stateTs ?? r.now;
  if (r.stateTs !== null && r.stateTs !== last.heartbeat) push({ type: "heartbeat", ts: (next.heartbeat = r.stateTs) });
  if (typeof r.equity === "number" && r.equity > 0 && (r.equity !== last.equity || r.tradesApplied > 0)) {
    push({ type: "equity", equity: (next.equity = r.equity), ts });
  }
  const count = r.count;
  if (count && Number.isInteger(count.current) && typeof count.max === "number") {
    const max = count.max < 0 || !Number.isFinite(count.max) ? UNLIMITED_POSITIONS : Math.max(1, Math.floor(count.max));
    const positions = { open: Math.max(0, count.current as number), max };
    if (JSON.stringify(positions) !== last.positions) {
      push({ type: "positions", ...positions, ts });
      next.positions = JSON.stringify(positions);
    }
  }
  if (r.state !== null) {
    const kill = r.state === "running" ? { active: false } : { active: true, reason: `freqtrade state: ${r.state}`.slice(0, 500) };
    if (JSON.stringify(kill) !== last.kill) {
      push({ type: "kill_switch", ...kill, ts: r.now });
      next.kill = JSON.stringify(kill);
    }
  }
  if (r.locks) {
    const breaker = circuitBreakerOf(r.locks, r.now);
    if (JSON.stringify(breaker) !== last.breaker) {
      push({ type: "circuit_breaker", ...breaker, ts: r.now });
      next.breaker = JSON.stringify(breaker);
    }
  }
  if (r.api !== last.api) {
    push({
      type: "api_status",
      status: (next.api = r.api),
      ...(r.latencyMs !== null ? { latency_ms: Math.round(r.latencyMs) } : {}),
      ts: r.now,
    });
  }
  return { events, next };
}
