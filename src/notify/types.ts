// The notifier's contract (§7): what a channel receives and what the dispatcher reports back for
// the alert record. The alert record and the notification are domain vocabulary
// (src/domain/alert-record.ts), named here because they are the notifier's input: the engine
// creates them without knowing the notifier.
import type { AlertRecord, Delivery as RecordedDelivery, Notification, NotificationKind } from "../domain/alert-record.js";
import type { Channel as ChannelOf } from "./channel.js";
import type { ChannelName } from "./channels/index.js";

export type { AlertRecord, Notification, NotificationKind };
export type { ChannelName };
export { CHANNEL_NAMES } from "./channels/index.js";
export type { Fact, MessageContent, RenderedMessage } from "./channel.js";

/** A channel of the registry (src/notify/channels/index.ts). */
export type Channel = ChannelOf<ChannelName>;

/** A delivery as the notifier reports it: on one of its channels. */
export type Delivery = RecordedDelivery & { channel: ChannelName };

/** The slice of a pino logger the notifier uses (pino's Logger satisfies it). */
export interface NotifyLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}
