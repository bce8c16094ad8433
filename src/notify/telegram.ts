// Telegram Bot API sendMessage in HTML parse mode. The bot token sits in the URL path, so errors
// are built from the status and Telegram's own `description` (scrubbed), never from the request.
// Telegram allows about one message per second per chat: a RateGate spaces the sends.
import type { Channel, RenderedMessage } from "./types.js";
import { parseChannelUrl, postJson, type HttpResponse } from "./http-post.js";
import { receiverDetail } from "./delivery-error.js";
import { RateGate, type Sleep, realSleep } from "./rate-gate.js";
import type { Clock } from "../domain/clock.js";
import { systemClock } from "../domain/clock.js";

export interface TelegramSettings {
  bot_token: string;
  chat_id: string | number;
  /** Default https://api.telegram.org (a test or a self-hosted Bot API server sets its own). */
  api_base_url?: string;
}

export const TELEGRAM_MIN_INTERVAL_MS = 1000;

export class TelegramChannel implements Channel {
  readonly name = "telegram" as const;
  private readonly url: string;
  private readonly secrets: string[];
  private readonly gate: RateGate;

  constructor(
    private readonly settings: TelegramSettings,
    private readonly clock: Clock = systemClock,
    opts: { minIntervalMs?: number; sleep?: Sleep } = {},
  ) {
    if (!settings.bot_token) throw new Error("notifications.telegram.bot_token is empty");
    // Tokens look like "123456:ABC-def_1"; ':' is legal in a path segment and Telegram expects it raw.
    if (/[\s/?#%]/.test(settings.bot_token)) throw new Error("notifications.telegram.bot_token has characters a token cannot have");
    if (settings.chat_id === "" || settings.chat_id === undefined) throw new Error("notifications.telegram.chat_id is empty");
    const base = parseChannelUrl(settings.api_base_url ?? "https://api.telegram.org", "notifications.telegram.api_base_url");
    const basePath = base.pathname.replace(/\/+$/, "");
    this.url = `${base.origin}${basePath}/bot${settings.bot_token}/sendMessage`;
    this.secrets = [settings.bot_token, this.url];
    this.gate = new RateGate(opts.minIntervalMs ?? TELEGRAM_MIN_INTERVAL_MS, clock, opts.sleep ?? realSleep);
  }

  async send(message: RenderedMessage, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify({
      chat_id: this.settings.chat_id,
      text: message.telegramHtml,
      parse_mode: "HTML",
      disable_web_page_preview: true,
    });
    await this.gate.run(
      () =>
        postJson({
          channel: this.name,
          url: this.url,
          body,
          signal,
          nowMs: () => this.clock.now(),
          interpretFailure: (res) => this.readError(res),
        }),
      signal,
    );
  }

  /** Telegram errors: `{ok:false, error_code, description, parameters:{retry_after}}`. */
  private readError(res: HttpResponse): { detail: string | null; retryAfterMs: number | null } {
    let body: { description?: unknown; parameters?: { retry_after?: unknown } } = {};
    try {
      body = JSON.parse(res.body) as typeof body;
    } catch {
      // not JSON (a proxy's error page): status alone
    }
    const ra = body?.parameters?.retry_after;
    return {
      detail: receiverDetail(body?.description, this.secrets),
      retryAfterMs: typeof ra === "number" && Number.isFinite(ra) && ra >= 0 ? ra * 1000 : null,
    };
  }
}
