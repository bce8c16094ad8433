// What a digest (§19) says, decided once for every channel: per bot and per group the equity, the
// period's P&L and trades, drawdown, win rate and Sharpe, plus the alerts fired in the period and
// those still firing. Shared vocabulary of the builder (src/engine/digest-builder.ts) and the
// channels' digest renderers (src/notify/channels/). Ratios that are undefined are null.
import type { Severity } from "./alert-record.js";
import type { DigestKind, DigestPeriod } from "./digest-schedule.js";
import type { HealthLevel } from "./health.js";

export interface DigestBotLine {
  bot: string;
  equity: number;
  /** Σ pnl of the bot's trades closed in the period. */
  pnl: number;
  trades: number;
  wins: number;
  losses: number;
  drawdown: number;
  max_drawdown: number;
  win_rate: number | null;
  sharpe: number | null;
  health: HealthLevel;
}

export interface DigestGroupLine {
  group: string;
  members: string[];
  equity: number;
  /** Sums over the members' trades closed in the period. */
  pnl: number;
  trades: number;
  drawdown: number;
  max_drawdown: number;
  daily_sharpe: number | null;
}

export interface DigestAlertLine {
  /** "bot alpha" or "group fleet". */
  subject: string;
  trigger: string;
  severity: Severity;
  started_at: number;
  resolved_at: number | null;
}

export interface DigestReport {
  /** "digest:daily:2026-01-05"; a test digest's id ends in ":test:<ms>". */
  id: string;
  kind: DigestKind;
  /** Sent by POST /api/v1/digests/test: it counts for no period. */
  test: boolean;
  period: DigestPeriod;
  timezone: string;
  generated_at: number;
  bots: DigestBotLine[];
  groups: DigestGroupLine[];
  /** Alerts that started in the period, newest first (at most DIGEST_ALERTS_LISTED), and how many by severity. */
  fired: DigestAlertLine[];
  fired_count: Record<Severity, number>;
  /** Alerts firing when the digest was made. */
  firing: DigestAlertLine[];
  external_url: string | null;
}

/** Alerts listed by name in a digest; the rest are counted. */
export const DIGEST_ALERTS_LISTED = 10;
