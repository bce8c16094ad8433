// One bot's safety controls as last reported (§3 event types, §6, §8 /health/safety).
// Plain last-value state; health levels are derived from it elsewhere (with the clock, for staleness).
import type { TradingEvent } from "../domain/events.js";
import type { SafetySnapshot } from "../domain/snapshots.js";

export type BotSafetyState = Omit<SafetySnapshot, "bot">;

export class BotSafety {
  private state: BotSafetyState = {
    kill_switch: { active: false, reason: null, changed_at: null },
    circuit_breaker: { open: false, reason: null, changed_at: null, trips: 0 },
    positions: { open: null, max: null, utilization: 0 },
    // consecutive_failures belongs to the exporter's own API probe, which owns it; events leave it 0.
    api: { status: null, latency_ms: null, checked_at: null, consecutive_failures: 0 },
    last_heartbeat_at: null,
    last_event_at: null,
  };

  constructor(readonly bot: string) {}

  apply(event: TradingEvent): void {
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
        if (s.last_heartbeat_at === null || event.ts > s.last_heartbeat_at) s.last_heartbeat_at = event.ts;
        break;
      default:
        break;
    }
    if (s.last_event_at === null || event.ts > s.last_event_at) s.last_event_at = event.ts;
  }

  /** When the bot last sent a heartbeat and any event (event times; null: never). */
  activity(): { last_heartbeat_at: number | null; last_event_at: number | null } {
    return { last_heartbeat_at: this.state.last_heartbeat_at, last_event_at: this.state.last_event_at };
  }

  snapshot(): SafetySnapshot {
    const s = this.state;
    return {
      bot: this.bot,
      kill_switch: { ...s.kill_switch },
      circuit_breaker: { ...s.circuit_breaker },
      positions: { ...s.positions },
      api: { ...s.api },
      last_heartbeat_at: s.last_heartbeat_at,
      last_event_at: s.last_event_at,
    };
  }

  /** All fields are finite numbers, strings, booleans or null: JSON-safe as is. */
  toState(): BotSafetyState {
    const { bot: _bot, ...rest } = this.snapshot();
    return rest;
  }

  static fromState(bot: string, s: BotSafetyState): BotSafety {
    const b = new BotSafety(bot);
    b.state = structuredClone(s);
    return b;
  }
}
