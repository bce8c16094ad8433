// The alert record of §7 and what leaves the state machine for the notifier: shared vocabulary of
// the engine (which creates records), the store (which keeps them), the notifier and the API.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { HealthLevel } from "./health.js";

export const SEVERITIES = ["warning", "error", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const severitySchema = z.enum(SEVERITIES, { error: "must be one of warning, error, critical" });

/** Outcome of delivering one notification on one channel (an entry of `AlertRecord.deliveries`). */
export interface Delivery {
  /** A channel name (src/notify); a plain string here because stored history may name a channel a later version dropped. */
  channel: string;
  ok: boolean;
  attempts: number;
  /** Sanitized: never contains a URL, token or password. */
  error: string | null;
  /** Epoch ms when the delivery finished (success or final failure). */
  at: number;
}

interface AlertRecordFields {
  id: string;
  trigger: string;
  severity: Severity;
  status: "firing" | "resolved";
  value: number | null;
  threshold: number | null;
  message: string;
  started_at: number;
  resolved_at: number | null;
  notified: boolean;
  suppressed: boolean;
  deliveries: Delivery[];
  acknowledged_at: number | null;
  acknowledged_by: string | null;
}

/** §7 alert record of a bot. Times are epoch ms; the REST layer formats them. */
export interface BotAlertRecord extends AlertRecordFields {
  bot: string;
  group?: undefined;
}

/** §19: a group's drawdown alert carries `group` instead of `bot`. */
export interface GroupAlertRecord extends AlertRecordFields {
  group: string;
  bot?: undefined;
}

export type AlertRecord = BotAlertRecord | GroupAlertRecord;

/** "bot alpha" / "group fleet": whom an alert is about, in a message. */
export function alertSubject(r: AlertRecord): string {
  return r.group !== undefined ? groupSubject(r.group) : botSubject(r.bot);
}

export const botSubject = (bot: string): string => `bot ${bot}`;
export const groupSubject = (group: string): string => `group ${group}`;

export type NotificationKind = "firing" | "reminder" | "resolved" | "test";

/** One alert on its way to the channels, with the bot's health (a group's: its worst member's) at the time. */
export interface Notification {
  kind: NotificationKind;
  alert: AlertRecord;
  health: { level: HealthLevel; reasons: string[] };
  /** Link to the dashboard; null when `external_url` is not configured. */
  external_url: string | null;
}

/** A new alert's id: random, so ids from before a restart or from another instance never collide. */
export function newAlertId(): string {
  return randomUUID();
}
