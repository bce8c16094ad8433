import { describe, expect, it } from "vitest";
import {
  botHealth,
  effectiveApiStatus,
  formatDuration,
  HEALTH_DEFAULTS,
  overallHealth,
  type ProbeStatus,
} from "../../src/domain/health.js";
import { safetySnapshot, T0 } from "../alerts/snapshots.js";

const settings = HEALTH_DEFAULTS;
const MIN = 60_000;

function probe(over: Partial<ProbeStatus> = {}): ProbeStatus {
  return { status: "connected", latency_ms: 12, checked_at: T0, consecutive_failures: 0, error: null, ...over };
}

describe("bot health (§6)", () => {
  it("is HEALTHY with no reason when nothing is wrong", () => {
    const h = botHealth(safetySnapshot(), T0, T0, settings);
    expect(h).toMatchObject({ level: "HEALTHY", reasons: [], stale: false });
  });

  it("is CRITICAL when the kill switch is active, naming its reason", () => {
    const h = botHealth(safetySnapshot({ kill_switch: { active: true, reason: "max loss hit" } }), T0, T0, settings);
    expect(h.level).toBe("CRITICAL");
    expect(h.reasons).toEqual(["kill switch active: max loss hit"]);
  });

  it("is CRITICAL with the degraded reasons listed after the critical one", () => {
    const s = safetySnapshot({
      kill_switch: { active: true, reason: null },
      circuit_breaker: { open: true, reason: "volatility" },
    });
    const h = botHealth(s, T0, T0, settings);
    expect(h.level).toBe("CRITICAL");
    expect(h.reasons).toEqual(["kill switch active", "circuit breaker open: volatility"]);
  });

  it("is DEGRADED when the circuit breaker is open", () => {
    const h = botHealth(safetySnapshot({ circuit_breaker: { open: true, reason: "3 losses in a row" } }), T0, T0, settings);
    expect(h.level).toBe("DEGRADED");
    expect(h.reasons).toEqual(["circuit breaker open: 3 losses in a row"]);
  });

  it("is DEGRADED when position utilization exceeds 0.8, and not at exactly 0.8", () => {
    const over = botHealth(safetySnapshot({ positions: { open: 9, max: 10, utilization: 0.9 } }), T0, T0, settings);
    expect(over.level).toBe("DEGRADED");
    expect(over.reasons).toEqual(["position utilization 90% > 80% (9/10 open)"]);
    const at = botHealth(safetySnapshot({ positions: { open: 8, max: 10, utilization: 0.8 } }), T0, T0, settings);
    expect(at.level).toBe("HEALTHY");
  });

  it("follows health.position_utilization_degraded", () => {
    const s = safetySnapshot({ positions: { open: 3, max: 5, utilization: 0.6 } });
    expect(botHealth(s, T0, T0, { ...settings, position_utilization_degraded: 0.5 }).reasons).toEqual([
      "position utilization 60% > 50% (3/5 open)",
    ]);
  });

  it("is DEGRADED when the bot reports its API degraded or disconnected, HEALTHY when connected", () => {
    const degraded = botHealth(safetySnapshot({ api: { status: "degraded", latency_ms: 1500 } }), T0, T0, settings);
    expect(degraded.level).toBe("DEGRADED");
    expect(degraded.reasons).toEqual(["exchange API degraded (reported by bot, latency 1500 ms)"]);
    const down = botHealth(safetySnapshot({ api: { status: "disconnected" } }), T0, T0, settings);
    expect(down.reasons).toEqual(["exchange API disconnected (reported by bot)"]);
    expect(botHealth(safetySnapshot({ api: { status: "connected" } }), T0, T0, settings).level).toBe("HEALTHY");
  });

  it("takes the worse of the bot's API status and the probe's", () => {
    const h = botHealth(
      safetySnapshot({ api: { status: "connected" } }),
      T0,
      T0,
      settings,
      probe({ status: "disconnected", latency_ms: null, consecutive_failures: 3 }),
    );
    expect(h.level).toBe("DEGRADED");
    expect(h.reasons).toEqual(["exchange API disconnected (probe: 3 consecutive failures)"]);
    expect(h.api).toMatchObject({ status: "disconnected", source: "probe", consecutive_failures: 3 });

    // The bot's own report wins when it is the worse one.
    const own = botHealth(safetySnapshot({ api: { status: "disconnected" } }), T0, T0, settings, probe());
    expect(own.api).toMatchObject({ status: "disconnected", source: "bot" });
    // A connected probe on a bot that never reported makes the API connected.
    expect(effectiveApiStatus(safetySnapshot(), probe())).toMatchObject({ status: "connected", source: "probe" });
    expect(effectiveApiStatus(safetySnapshot(), null)).toMatchObject({ status: null, source: null });
  });

  it("is DEGRADED (stale) after a heartbeat and no event for stale_after_seconds, boundary included", () => {
    const s = safetySnapshot({ last_heartbeat_at: T0, last_event_at: T0 });
    const justBefore = botHealth(s, T0, T0 + 10 * MIN - 1, settings);
    expect(justBefore).toMatchObject({ level: "HEALTHY", stale: false });
    const at = botHealth(s, T0, T0 + 10 * MIN, settings);
    expect(at).toMatchObject({ level: "DEGRADED", stale: true });
    const later = botHealth(s, T0, T0 + 12 * MIN, settings);
    expect(later.reasons).toEqual(["no event for 12 min (stale after 10 min)"]);
  });

  it("never calls a bot stale that has not sent a heartbeat", () => {
    const s = safetySnapshot({ last_heartbeat_at: null, last_event_at: T0 });
    expect(botHealth(s, T0, T0 + 24 * 60 * MIN, settings)).toMatchObject({ level: "HEALTHY", stale: false });
  });

  it("follows health.stale_after_seconds", () => {
    const s = safetySnapshot({ last_heartbeat_at: T0 });
    expect(botHealth(s, T0, T0 + 31_000, { ...settings, stale_after_seconds: 30 }).reasons).toEqual([
      "no event for 31 s (stale after 30 s)",
    ]);
  });

  it("lists every degraded reason at once", () => {
    const s = safetySnapshot({
      circuit_breaker: { open: true },
      positions: { open: 5, max: 5, utilization: 1 },
      api: { status: "degraded" },
      last_heartbeat_at: T0,
    });
    const h = botHealth(s, T0, T0 + 11 * MIN, settings);
    expect(h.level).toBe("DEGRADED");
    expect(h.reasons).toHaveLength(4);
  });
});

describe("overall health", () => {
  it("is the worst bot's level", () => {
    expect(overallHealth([])).toBe("HEALTHY");
    expect(overallHealth(["HEALTHY", "HEALTHY"])).toBe("HEALTHY");
    expect(overallHealth(["HEALTHY", "DEGRADED", "HEALTHY"])).toBe("DEGRADED");
    expect(overallHealth(["DEGRADED", "CRITICAL", "HEALTHY"])).toBe("CRITICAL");
  });
});

describe("durations in reasons", () => {
  it("reads at a glance", () => {
    expect(formatDuration(45_000)).toBe("45 s");
    expect(formatDuration(12 * MIN)).toBe("12 min");
    expect(formatDuration(185 * MIN)).toBe("3 h 5 min");
    expect(formatDuration(52 * 60 * MIN)).toBe("2 d 4 h");
  });
});
