// The notifier's contract (§7): what a channel receives and what the dispatcher reports back for
// the alert record. The alert record and the notification are domain vocabulary
// (src/domain/alert-record.ts), named here because they are the notifier's input: the engine
// creates them without knowing the notifier.
import type { AlertRecord, Delivery as RecordedDelivery, Notification, NotificationKind } from "../domain/alert-record.js";

export type { AlertRecord, Notification, NotificationKind };
export type ChannelName = "slack" | "email" | "telegram" | "webhook";
export const CHANNEL_NAMES: readonly ChannelName[] = ["slack", "email", "telegram", "webhook"];

/** A delivery as the notifier reports it: on one of its channels. */
export type Delivery = RecordedDelivery & { channel: ChannelName };

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
    deliveries: (Omit<RecordedDelivery, "at"> & { at: string })[];
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
