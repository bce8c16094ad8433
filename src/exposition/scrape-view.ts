// What one scrape reads (§9): per bot its state, health and alerting, and the exporter's own
// parts (sources, store, notifier). The metrics module builds it; the family table
// (families.ts) says how each family reads its series from it.
import type { HealthLevel } from "../domain/health.js";
import type { GroupSnapshot, PerformanceSnapshot, SafetySnapshot } from "../domain/snapshots.js";

export interface BotHealthView {
  level: HealthLevel;
  stale: boolean;
  api_status: string | null;
  api_latency_ms: number | null;
}

/** One bot's effective trigger settings and alert counts (its per-bot alerting series). */
export interface BotAlertingView {
  /** One row per trigger, in trigger order. */
  triggers: Array<{
    bot: string;
    trigger: string;
    severity: string;
    enabled: boolean;
    threshold: number | null;
    min_trades: number | null;
  }>;
  alertCounts: Array<{ bot: string; trigger: string; severity: string; count: number }>;
  suppressedCounts: Array<{ bot: string; trigger: string; count: number }>;
}

/** The fleet's alerting figures: what fires, every count, the channels, the group triggers. */
export interface AlertingView {
  firing: Array<{ bot: string; trigger: string; severity: string }>;
  /** Every bot's counts (the ones of no configured trigger are written after every bot's). */
  alertsTotal: Array<{ bot: string; trigger: string; severity: string; count: number }>;
  suppressedTotal: Array<{ bot: string; trigger: string; count: number }>;
  notifications: Array<{ channel: string; sent: number; failed: number }>;
  /** The group drawdown triggers (§19): effective settings per (group, trigger), and what fires. */
  groupTriggers?: Array<{ group: string; trigger: string; enabled: boolean; threshold: number | null }>;
  groupFiring?: Array<{ group: string; trigger: string; severity: string }>;
}

/** What a bot's performance, safety and health series are read from; replaced whole when any of it changes. */
export interface BotStateView {
  perf: PerformanceSnapshot;
  safety: SafetySnapshot;
  health?: BotHealthView;
}

/**
 * One bot's part of a scrape. Its two halves are immutable objects, each replaced when what it was
 * read from changes, so a family's lines for the bot are cached on the half they are read from.
 */
export interface BotView {
  bot: string;
  state: BotStateView;
  /** Present when the exporter runs alerting. */
  alerting?: BotAlertingView;
}

/** What the exposition reads (the sources' health snapshot satisfies it). */
export interface SourceHealthView {
  entries: Array<{ source: string; bot: string; up: boolean; last_message_at: number | null }>;
  errors: Array<{ source: string; reason: string; count: number }>;
}

/** What the exposition reads about the event store (§15). */
export interface StoreView {
  /** Null when the file system cannot be asked (written as NaN). */
  freeBytes: number | null;
  minFreeBytes: number;
  files: Array<{ file: string; bytes: number }>;
  writesFailing: boolean;
  snapshotFailures: number;
  applyFailures: number;
}

/** Everything one scrape reads, gathered once so the whole scrape is consistent. */
export interface ScrapeView {
  bots: BotView[];
  /** Every bot's lines written afresh, the cache neither read nor filled: what the cache must equal. */
  fresh: boolean;
  alerting: AlertingView | undefined;
  sources: SourceHealthView | undefined;
  store: StoreView | undefined;
  /** Every configured group's figures (§19). */
  groups: GroupSnapshot[];
  /** The exporter's own counters (kept by this process, by label value, in first-seen order). */
  events: ReadonlyMap<string, number>;
  rejected: ReadonlyMap<string, number>;
  duplicates: ReadonlyMap<string, number>;
  version: string;
  websocketClients: number;
}
