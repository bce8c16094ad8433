// The settings that shape the engine's state (§5, §19), as one comparable string stored beside
// every snapshot. A snapshot is only restored under the same fingerprint; when it differs and
// retention already removed events a replay would need, the start is refused, and the message names
// the configuration keys that changed (§15) so the operator knows what to set back.
import type { MetricsSettings } from "../domain/snapshots.js";

interface FingerprintFields {
  /** The snapshot format version. */
  v: number;
  window_trades: number;
  daily_window_days: number;
  timezone: string;
  initial_equity: number;
  /** [bot, initial_equity] of every per-bot override, by bot name. */
  bots: Array<readonly [string, number]>;
  groups?: Record<string, string[]>;
}

/**
 * Window sizes, timezone, initial equities and group membership. The annualization factors and
 * `cagr_min_days` only scale figures at query time, so changing them keeps snapshots valid.
 */
export function settingsFingerprint(settings: MetricsSettings, version: number): string {
  const overrides = Object.keys(settings.bots)
    .sort()
    .flatMap((bot) => {
      const e = settings.bots[bot]?.initial_equity;
      return e === undefined ? [] : [[bot, e] as const];
    });
  const fields: FingerprintFields = {
    v: version,
    window_trades: settings.window_trades,
    daily_window_days: settings.daily_window_days,
    timezone: settings.timezone,
    initial_equity: settings.initial_equity,
    bots: overrides,
    // Membership shapes the groups' state; the fingerprint keeps its old form without groups.
    ...(settings.groups && Object.keys(settings.groups).length > 0 ? { groups: settings.groups } : {}),
  };
  return JSON.stringify(fields);
}

/** One difference between the settings of a stored state and the current ones. */
export interface SettingsChange {
  /** The configuration key (`metrics.window_trades`, `bots.alpha.initial_equity`, `groups.fleet`), or `state format`. */
  key: string;
  before: string;
  after: string;
}

const show = (v: unknown) => (v === undefined ? "unset" : JSON.stringify(v));

const METRICS_KEYS = ["window_trades", "daily_window_days", "timezone", "initial_equity"] as const;

/** What changed from the fingerprint `stored` to `current`, as configuration keys. Unparseable input: one `state format` change. */
export function settingsChanges(stored: string, current: string): SettingsChange[] {
  let a: FingerprintFields;
  let b: FingerprintFields;
  try {
    a = JSON.parse(stored) as FingerprintFields;
    b = JSON.parse(current) as FingerprintFields;
  } catch {
    return [{ key: "state format", before: "unreadable", after: "current" }];
  }
  const changes: SettingsChange[] = [];
  if (a.v !== b.v) changes.push({ key: "state format", before: `version ${show(a.v)}`, after: `version ${show(b.v)}` });
  for (const k of METRICS_KEYS) {
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) changes.push({ key: `metrics.${k}`, before: show(a[k]), after: show(b[k]) });
  }
  const botsA = new Map(a.bots ?? []);
  const botsB = new Map(b.bots ?? []);
  for (const bot of [...new Set([...botsA.keys(), ...botsB.keys()])].sort()) {
    if (botsA.get(bot) !== botsB.get(bot)) {
      changes.push({ key: `bots.${bot}.initial_equity`, before: show(botsA.get(bot)), after: show(botsB.get(bot)) });
    }
  }
  const groupsA = a.groups ?? {};
  const groupsB = b.groups ?? {};
  for (const g of [...new Set([...Object.keys(groupsA), ...Object.keys(groupsB)])].sort()) {
    if (JSON.stringify(groupsA[g]) !== JSON.stringify(groupsB[g]))
      changes.push({ key: `groups.${g}`, before: show(groupsA[g]), after: show(groupsB[g]) });
  }
  return changes;
}
