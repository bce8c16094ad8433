// How the exporter plugs the hub in: the engine's state in its REST shapes (§8) is what the hub
// sends, and the ingest pipeline tells the hub what was applied, after the commit.
import type { Clock } from "../domain/clock.js";
import type { TradingEvent } from "../domain/events.js";
import { type HealthSettings, type ProbeStatus, botHealth } from "../domain/health.js";
import type { PerformanceSnapshot, SafetySnapshot } from "../engine/types.js";
import { isoOrNull, performanceJson, safetyJson } from "../http/json.js";
import type { IngestListener } from "../ingest/pipeline.js";
import type { LiveHub, LiveSnapshotProvider } from "./hub.js";

export interface EngineView {
  bots(): string[];
  performance(bot: string): PerformanceSnapshot;
  safety(bot: string): SafetySnapshot;
}

/** The §8 health entry `{bot, level, reasons, stale, last_event_at}` of one bot. */
export function healthEntry(bot: string, safety: SafetySnapshot, now: number, settings: HealthSettings, probe?: ProbeStatus | null) {
  const h = botHealth(safety, safety.last_event_at, now, settings, probe);
  return { bot, level: h.level, reasons: h.reasons, stale: h.stale, last_event_at: isoOrNull(safety.last_event_at) };
}

/**
 * The hub's view of the engine. Pass `health` to reuse the exact function the health router uses
 * (e.g. one that includes the API probe); otherwise the entry is computed from the engine alone.
 */
export function engineSnapshotProvider(
  engine: EngineView,
  clock: Clock,
  healthSettings: HealthSettings,
  health?: (bot: string) => object,
): LiveSnapshotProvider {
  return {
    bots: () => engine.bots(),
    metrics: (bot) => performanceJson(engine.performance(bot)),
    safety: (bot) => safetyJson(engine.safety(bot)),
    health: health ?? ((bot) => healthEntry(bot, engine.safety(bot), clock.now(), healthSettings)),
  };
}

/** `pipeline.addListener(liveListener(hub))`: trades go out at once, state changes coalesced. */
export function liveListener(hub: Pick<LiveHub, "tradeApplied" | "botChanged">): IngestListener {
  return {
    applied(event: TradingEvent) {
      if (event.type === "trade") hub.tradeApplied(event.bot, event);
    },
    botsChanged(bots: string[]) {
      for (const bot of bots) hub.botChanged(bot);
    },
  };
}
