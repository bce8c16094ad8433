// System health of §6: one level per bot from its safety controls, and the overall level =
// the worst bot. Pure: the caller passes the snapshot, the clock reading and the probe's status.
import type { ApiStatus, SafetySnapshot } from "./snapshots.js";

export type HealthLevel = "HEALTHY" | "DEGRADED" | "CRITICAL";

/** The `health.*` settings of the config. */
export interface HealthSettings {
  stale_after_seconds: number;
  position_utilization_degraded: number;
}

export const HEALTH_DEFAULTS: HealthSettings = { stale_after_seconds: 600, position_utilization_degraded: 0.8 };

/** What the exporter's own exchange-API probe last saw (src/sources/api-probe.ts). Times in epoch ms. */
export interface ProbeStatus {
  status: ApiStatus;
  latency_ms: number | null;
  checked_at: number;
  consecutive_failures: number;
  /** Short description of the last failure (never contains the probed URL's credentials). */
  error: string | null;
}

/** The API status health uses: the worse of the bot's own `api_status` events and the probe. */
export interface EffectiveApiStatus {
  status: ApiStatus | null;
  source: "bot" | "probe" | null;
  latency_ms: number | null;
  checked_at: number | null;
  consecutive_failures: number;
}

export interface BotHealth {
  level: HealthLevel;
  reasons: string[];
  stale: boolean;
  api: EffectiveApiStatus;
}

const API_RANK: Record<ApiStatus, number> = { connected: 0, degraded: 1, disconnected: 2 };
const LEVEL_RANK: Record<HealthLevel, number> = { HEALTHY: 0, DEGRADED: 1, CRITICAL: 2 };

/**
 * A bot's health level with its reasons. `lastEventAt` is normally `safety.last_event_at` (event
 * time of the latest event of any type); staleness is measured from it to `now`. When CRITICAL the
 * degraded reasons are listed too, so the operator sees everything that is wrong at once.
 */
export function botHealth(
  safety: SafetySnapshot,
  lastEventAt: number | null,
  now: number,
  settings: HealthSettings,
  probe?: ProbeStatus | null,
): BotHealth {
  const critical: string[] = [];
  const degraded: string[] = [];

  if (safety.kill_switch.active) {
    critical.push(withReason("kill switch active", safety.kill_switch.reason));
  }
  if (safety.circuit_breaker.open) {
    degraded.push(withReason("circuit breaker open", safety.circuit_breaker.reason));
  }
  const utilization = safety.positions.utilization;
  if (utilization > settings.position_utilization_degraded) {
    degraded.push(
      `position utilization ${percent(utilization)} > ${percent(settings.position_utilization_degraded)}` +
        (safety.positions.open !== null && safety.positions.max !== null ? ` (${safety.positions.open}/${safety.positions.max} open)` : ""),
    );
  }
  const api = effectiveApiStatus(safety, probe ?? null);
  if (api.status === "degraded" || api.status === "disconnected") {
    degraded.push(describeApi(api));
  }
  const stale = isStale(safety, lastEventAt, now, settings);
  if (stale && lastEventAt !== null) {
    degraded.push(`no event for ${formatDuration(now - lastEventAt)} (stale after ${formatDuration(settings.stale_after_seconds * 1000)})`);
  }

  const level: HealthLevel = critical.length > 0 ? "CRITICAL" : degraded.length > 0 ? "DEGRADED" : "HEALTHY";
  return { level, reasons: [...critical, ...degraded], stale, api };
}

/** Stale = has sent at least one heartbeat, and no event for `stale_after_seconds` (boundary included). */
export function isStale(
  safety: Pick<SafetySnapshot, "last_heartbeat_at">,
  lastEventAt: number | null,
  now: number,
  settings: HealthSettings,
): boolean {
  if (safety.last_heartbeat_at === null || lastEventAt === null) return false;
  return now - lastEventAt >= settings.stale_after_seconds * 1000;
}

/** Worst of the bot's reported API status and the probe's; on a tie the bot's own report is kept. */
export function effectiveApiStatus(safety: SafetySnapshot, probe: ProbeStatus | null): EffectiveApiStatus {
  const own: EffectiveApiStatus = {
    status: safety.api.status,
    source: safety.api.status === null ? null : "bot",
    latency_ms: safety.api.latency_ms,
    checked_at: safety.api.checked_at,
    consecutive_failures: safety.api.consecutive_failures,
  };
  if (probe === null) return own;
  const ownRank = own.status === null ? -1 : API_RANK[own.status];
  if (API_RANK[probe.status] <= ownRank) return own;
  return {
    status: probe.status,
    source: "probe",
    latency_ms: probe.latency_ms,
    checked_at: probe.checked_at,
    consecutive_failures: probe.consecutive_failures,
  };
}

/** The worst of several levels; HEALTHY when there is no bot at all. */
export function overallHealth(levels: Iterable<HealthLevel>): HealthLevel {
  let worst: HealthLevel = "HEALTHY";
  for (const level of levels) if (LEVEL_RANK[level] > LEVEL_RANK[worst]) worst = level;
  return worst;
}

function describeApi(api: EffectiveApiStatus): string {
  const details: string[] = [];
  if (api.source === "probe") {
    details.push(
      api.consecutive_failures > 0
        ? `probe: ${api.consecutive_failures} consecutive failure${api.consecutive_failures === 1 ? "" : "s"}`
        : "probe",
    );
  } else {
    details.push("reported by bot");
  }
  if (api.latency_ms !== null) details.push(`latency ${Math.round(api.latency_ms)} ms`);
  return `exchange API ${api.status} (${details.join(", ")})`;
}

function withReason(what: string, reason: string | null): string {
  return reason ? `${what}: ${reason}` : what;
}

function percent(ratio: number): string {
  // One decimal only when it matters (80% vs 80.5%), so reasons stay short.
  const p = Math.round(ratio * 1000) / 10;
  return `${Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1)}%`;
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h": what an operator reads at a glance. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 120) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}
