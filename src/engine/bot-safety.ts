// One bot's safety controls as last reported (§3 event types, §6, §8 /health/safety).
// Plain last-value state; health levels are derived from it elsewhere (with the clock, for staleness).
import type { TradingEvent } from "../domain/events.js";
import { isLater, NEVER, timeOrNever, timeOrNull } from "../domain/optional-time.js";
import type { SafetySnapshot } from "../domain/snapshots.js";

export type BotSafetyState = Omit<SafetySnapshot, "bot">;

/** The controls as last reported; the event times, updated on every event, are fields of BotSafety. */
type Controls = Omit<BotSafetyState, "last_heartbeat_at" | "last_event_at">;

export class BotSafety {
  private state: Controls = {
    kill_switch: { active: false, reason: null, changed_at: null },
    circuit_breaker: { open: false, reason: null, changed_at: null, trips: 0 },
    positions: { open: null, max: null, utilization: 0 },
    // consecutive_failures belongs to the exporter's own API probe, which owns it; events leave it 0.
    api: { status: null, latency_ms: null, checked_at: null, consecutive_failures: 0 },
  };
  private lastHeartbeatAt = NEVER;
  private lastEventAt = NEVER;

  constructor(readonly bot: string) {}

  apply(event: TradingEvent): void {
    if (isLater(event.ts, this.lastEventAt)) this.lastEventAt = event.ts;
    // Most events are trades and equity updates, which change no control: this method stays small
    // enough for the JIT to inline into Engine.apply, and the switch runs only for the others.
    if (event.type !== "trade" && event.type !== "equity") this.applyControl(event);
  }

  private applyControl(event: TradingEvent): void {
    const s = this.state;
    switch (event.type) {
      case "kill_switch": {
        const k = s.kill_switch;
        // changed_at is when `active` last flipped; a repeated report only refreshes the reason.
        if (event.active !== k.active) k.changed_at = event.ts;
        k.active = event.active;
        k.reason = event.reason ?? null;
        break;
      }
      case "circuit_breaker": {
        const c = s.circuit_breaker;
        if (event.open !== c.open) {
          c.changed_at = event.ts;
          if (event.open) c.trips++;
        }
        c.open = event.open;
        c.reason = event.reason ?? null;
        break;
      }
      case "positions":
        s.positions = { open: event.open, max: event.max, utilization: event.open / event.max };
        break;
      case "api_status":
        s.api = {
          status: event.status,
          latency_ms: event.latency_ms ?? null,
          checked_at: event.ts,
          consecutive_failures: s.api.consecutive_failures,
        };
        break;
      case "heartbeat":
        if (isLater(event.ts, this.lastHeartbeatAt)) this.lastHeartbeatAt = event.ts;
        break;
      default:
        break;
    }
  }

  /** When the bot last sent a heartbeat and any event (event times; null: never). */
  activity(): { last_heartbeat_at: number | null; last_event_at: number | null } {
    return { last_heartbeat_at: timeOrNull(this.lastHeartbeatAt), last_event_at: timeOrNull(this.lastEventAt) };
  }

  snapshot(): SafetySnapshot {
    const s = this.state;
    return {
      bot: this.bot,
      kill_switch: { ...s.kill_switch },
      circuit_breaker: { ...s.circuit_breaker },
      positions: { ...s.positions },
      api: { ...s.api },
      ...this.activity(),
    };
  }

  /** All fields are finite numbers, strings, booleans or null: JSON-safe as is. */
  toState(): BotSafetyState {
    const { bot: _bot, ...rest } = this.snapshot();
    return rest;
  }

  static fromState(bot: string, s: BotSafetyState): BotSafety {
    const b = new BotSafety(bot);
    const { last_heartbeat_at, last_event_at, ...controls } = structuredClone(s);
    b.state = controls;
    b.lastHeartbeatAt = timeOrNever(last_heartbeat_at);
    b.lastEventAt = timeOrNever(last_event_at);
    return b;
  }
}
