// Channels from the `notifications` config section (§12). Secrets arrive already resolved
// from their `_file` variants by the config loader.
import type { Clock } from "../domain/clock.js";
import { systemClock } from "../domain/clock.js";
import type { Channel } from "./types.js";
import { SlackChannel } from "./slack.js";
import { EmailChannel } from "./email.js";
import { TelegramChannel } from "./telegram.js";
import { WebhookChannel } from "./webhook.js";

type Opt<T> = T | null | undefined;

/**
 * Mirrors `notifications` of src/config/schema.ts (kept local so this library stands alone; the
 * schema's inferred type must be assignable to it).
 */
export interface NotificationsSettings {
  enabled: boolean;
  slack: { enabled: boolean; webhook_url?: Opt<string> };
  email: {
    enabled: boolean;
    smtp_host?: Opt<string>;
    smtp_port?: Opt<number>;
    smtp_secure?: Opt<boolean>;
    smtp_user?: Opt<string>;
    smtp_password?: Opt<string>;
    from?: Opt<string>;
    to?: Opt<string[]>;
  };
  telegram: { enabled: boolean; bot_token?: Opt<string>; chat_id?: Opt<string | number>; api_base_url?: Opt<string> };
  webhook: { enabled: boolean; url?: Opt<string>; secret?: Opt<string> };
}

function required<T>(value: Opt<T>, key: string): T {
  if (value === null || value === undefined || value === "") throw new Error(`${key} is required when the channel is enabled`);
  return value;
}

/**
 * The enabled channels, in the order slack, email, telegram, webhook. Throws (naming the key,
 * never its value) when an enabled channel lacks a required setting.
 */
export function buildChannels(cfg: NotificationsSettings, opts: { clock?: Clock } = {}): Channel[] {
  const clock = opts.clock ?? systemClock;
  if (!cfg.enabled) return [];
  const channels: Channel[] = [];
  if (cfg.slack.enabled) {
    channels.push(new SlackChannel({ webhook_url: required(cfg.slack.webhook_url, "notifications.slack.webhook_url") }, clock));
  }
  if (cfg.email.enabled) {
    const e = cfg.email;
    const secure = e.smtp_secure ?? false;
    channels.push(
      new EmailChannel({
        smtp_host: required(e.smtp_host, "notifications.email.smtp_host"),
        smtp_port: e.smtp_port ?? (secure ? 465 : 587),
        smtp_secure: secure,
        smtp_user: e.smtp_user ?? null,
        smtp_password: e.smtp_password ?? null,
        from: required(e.from, "notifications.email.from"),
        to: required(e.to, "notifications.email.to"),
      }),
    );
  }
  if (cfg.telegram.enabled) {
    const t = cfg.telegram;
    channels.push(
      new TelegramChannel(
        {
          bot_token: required(t.bot_token, "notifications.telegram.bot_token"),
          chat_id: required(t.chat_id, "notifications.telegram.chat_id"),
          api_base_url: t.api_base_url ?? "https://api.telegram.org",
        },
        clock,
      ),
    );
  }
  if (cfg.webhook.enabled) {
    const w = cfg.webhook;
    channels.push(
      new WebhookChannel(
        { url: required(w.url, "notifications.webhook.url"), secret: required(w.secret, "notifications.webhook.secret") },
        clock,
      ),
    );
  }
  return channels;
}
