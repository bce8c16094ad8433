// The notifier's contract (§7): what an alert looks like when it leaves the state machine,
// what a channel receives, and what the dispatcher reports back for the alert record.

export type Severity = "warning" | "error" | "critical";
export type ChannelName = "slack" | "email" | "telegram" | "webhook";
export const CHANNEL_NAMES: readonly ChannelName[] = ["slack", "email", "telegram", "webhook"];

/** Outcome of delivering one notification on one channel (an entry of `AlertRecord.deliveries`). */
export interface Delivery {
  channel: ChannelName;
  ok: boolean;
  attempts: number;
  /** Sanitized: never contains a URL, token or password. */
  error: string | null;
  /** Epoch ms when the delivery finished (success or final failure). */
  at: number;
}

/** §7 alert record. Times are epoch ms; the REST layer formats them. */
export interface AlertRecord {
  id: string;
  bot: string;
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

export type HealthLevel = "HEALTHY" | "DEGRADED" | "CRITICAL";
export type NotificationKind = "firing" | "reminder" | "resolved" | "test";

export interface Notification {
  kind: NotificationKind;
  alert: AlertRecord;
  health: { level: HealthLevel; reasons: string[] };
  /** Link to the dashboard; null when `external_url` is not configured. */
  external_url: string | null;
}

/** Slack Block Kit blocks (only the few kinds the notifier renders). */
export type SlackBlock =
  | { type: "header"; text: { type: "plain_text"; text: string; emoji?: boolean } }
  | { type: "section"; text?: { type: "mrkdwn"; text: string }; fields?: { type: "mrkdwn"; text: string }[] }
  | { type: "context"; elements: { type: "mrkdwn"; text: string }[] };

/** The webhook body: the alert record with ISO-8601 UTC times, plus what kind of message it is. */
export interface WebhookPayload {
  kind: NotificationKind;
  alert: Omit<AlertRecord, "started_at" | "resolved_at" | "acknowledged_at" | "deliveries"> & {
    started_at: string;
    resolved_at: string | null;
    acknowledged_at: string | null;
    deliveries: (Omit<Delivery, "at"> & { at: string })[];
  };
  health: Notification["health"];
  external_url: string | null;
}

/** One notification rendered once for every channel (channels never format anything themselves). */
export interface RenderedMessage {
  kind: NotificationKind;
  alertId: string;
  /** e.g. "[CRITICAL] kill_switch_activation on bot alpha"; the email subject. */
  title: string;
  text: string;
  html: string;
  slack: { text: string; blocks: SlackBlock[] };
  /** Telegram `parse_mode: "HTML"` text (only the tags Telegram accepts, `<>&` escaped). */
  telegramHtml: string;
  webhook: WebhookPayload;
}

export interface Channel {
  readonly name: ChannelName;
  /** One attempt. Throws DeliveryError (with retryAfterMs when the receiver said so) on failure. */
  send(message: RenderedMessage, signal: AbortSignal): Promise<void>;
}

/** The slice of a pino logger the notifier uses (pino's Logger satisfies it). */
export interface NotifyLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export const silentLogger: NotifyLogger = { info() {}, warn() {}, error() {} };
