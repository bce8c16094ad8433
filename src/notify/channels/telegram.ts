// Telegram Bot API sendMessage in HTML parse mode. The bot token sits in the URL path, so errors
// are built from the status and Telegram's own `description` (scrubbed), never from the request.
// Telegram allows about one message per second per chat: a RateGate spaces the sends.
import { z } from "zod";
import { httpUrl, nonEmpty } from "../../config/fields.js";
import { botSubject, groupSubject } from "../../domain/alert-record.js";
import type { Clock } from "../../domain/clock.js";
import { systemClock } from "../../domain/clock.js";
import {
  defineChannel,
  type AlertMessage,
  type Channel,
  type DigestMessage,
  type MessageContent,
  type RenderedMessage,
} from "../channel.js";
import {
  alertText,
  firedCountText,
  firingText,
  money,
  overviewText,
  pct,
  periodText,
  ratio,
  signedMoney,
  tradesText,
} from "../digest-text.js";
import { receiverDetail } from "../delivery-error.js";
import { parseChannelUrl, postJson, type HttpResponse } from "../http-post.js";
import { clip, escapeHtml } from "../message.js";
import { RateGate, type Sleep, realSleep } from "../rate-gate.js";

export interface TelegramSettings {
  bot_token: string;
  chat_id: string | number;
  /** Default https://api.telegram.org (a test or a self-hosted Bot API server sets its own). */
  api_base_url?: string;
}

export const TELEGRAM_MIN_INTERVAL_MS = 1000;
export const DEFAULT_TELEGRAM_API = "https://api.telegram.org";

export class TelegramChannel implements Channel<"telegram"> {
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
    const base = parseChannelUrl(settings.api_base_url ?? DEFAULT_TELEGRAM_API, "notifications.telegram.api_base_url");
    const basePath = base.pathname.replace(/\/+$/, "");
    this.url = `${base.origin}${basePath}/bot${settings.bot_token}/sendMessage`;
    this.secrets = [settings.bot_token, this.url];
    this.gate = new RateGate(opts.minIntervalMs ?? TELEGRAM_MIN_INTERVAL_MS, clock, opts.sleep ?? realSleep);
  }

  async send(message: RenderedMessage, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify({
      chat_id: this.settings.chat_id,
      text: telegram.render(message),
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

// Telegram rejects messages over 4096 characters; alert texts are far shorter, but an event's
// `reason` is user input, so each fact is capped.
const TELEGRAM_FACT_MAX = 600;

/** `parse_mode: "HTML"` text: only the tags Telegram accepts (<b>, <a>), `<>&` escaped. */
export function renderTelegramHtml(c: MessageContent): string {
  const cap = (s: string) => clip(s, TELEGRAM_FACT_MAX);
  const lines = [
    `<b>${escapeHtml(c.title)}</b>`,
    ...c.summary.map((s) => escapeHtml(cap(s))),
    "",
    ...c.facts.map((f) => `<b>${escapeHtml(f.label)}:</b> ${escapeHtml(cap(f.value))}`),
  ];
  if (c.link) lines.push(`<a href="${escapeHtml(c.link)}">Open the dashboard</a>`);
  return lines.join("\n");
}

// Room left under Telegram's 4096 characters for the "…and N more" line and the link.
const TELEGRAM_DIGEST_BUDGET = 3800;

/** "⚠ Alerts firing: 2 · worst error" under a bot or group with firing alerts. */
function firingLine(d: DigestMessage["digest"], subject: string): string[] {
  const firing = firingText(d, subject);
  return firing === null ? [] : [`⚠ <b>Alerts firing:</b> ${firing}`];
}

/** A digest (§19): short lines per group and bot that fit a phone, as many as Telegram's limit allows. */
export function renderTelegramDigest(m: DigestMessage): string {
  const d = m.digest;
  const e = escapeHtml;
  const head = [`<b>${e(m.title)}</b>`, `<i>${e(periodText(d))}</i>`, e(overviewText(d))].join("\n");
  const blocks = [
    ...d.groups.map((g) =>
      [
        `<b>Group ${e(g.group)}</b> (${e(clip(g.members.join(", "), 200))})`,
        `Equity ${money(g.equity)} · P&amp;L ${signedMoney(g.pnl)}`,
        `${tradesText(g)} · DD ${pct(g.drawdown)} (max ${pct(g.max_drawdown)}) · Daily Sharpe ${ratio(g.daily_sharpe)}`,
        ...firingLine(d, groupSubject(g.group)),
      ].join("\n"),
    ),
    ...d.bots.map((b) =>
      [
        `<b>${e(b.bot)}</b> · ${b.health}`,
        `Equity ${money(b.equity)} · P&amp;L ${signedMoney(b.pnl)}`,
        `${tradesText(b)} · DD ${pct(b.drawdown)} (max ${pct(b.max_drawdown)})`,
        `Win rate ${pct(b.win_rate)} · Sharpe ${ratio(b.sharpe)}`,
        ...firingLine(d, botSubject(b.bot)),
      ].join("\n"),
    ),
  ];
  const alertLines = (lines: string[]) => lines.slice(0, 5).map((t) => `• ${e(clip(t, 200))}`);
  const alerts = [
    `<b>Alerts fired:</b> ${e(firedCountText(d))}`,
    ...alertLines(d.fired.map((a) => alertText(a, d.timezone))),
    `<b>Still firing:</b> ${d.firing.length === 0 ? "none" : d.firing.length}`,
    ...alertLines(d.firing.map((a) => alertText(a, d.timezone))),
  ].join("\n");
  const parts = [head];
  let used = head.length + alerts.length + 4;
  let shown = 0;
  for (const b of blocks) {
    if (used + b.length + 2 > TELEGRAM_DIGEST_BUDGET) break;
    parts.push(b);
    used += b.length + 2;
    shown++;
  }
  if (shown < blocks.length) parts.push(`<i>…and ${blocks.length - shown} more on the dashboard</i>`);
  parts.push(alerts);
  if (d.external_url) parts.push(`<a href="${e(d.external_url)}">Open the dashboard</a>`);
  return parts.join("\n\n");
}

export const telegram = defineChannel({
  name: "telegram",
  label: "Telegram",
  settings: {
    bot_token: nonEmpty().optional(),
    /** A numeric id (YAML reads it as a number) or @channelname; kept as a string. */
    chat_id: z
      .union([z.string().min(1), z.number().int()], { error: "must be a chat id (number) or @channel name" })
      .transform(String)
      .optional(),
    api_base_url: httpUrl().default(DEFAULT_TELEGRAM_API),
  },
  secrets: [{ key: "bot_token" }],
  required: ["bot_token", "chat_id"],
  env: {
    enabled: "ALERTS_TELEGRAM_ENABLED",
    vars: [
      { name: "TELEGRAM_BOT_TOKEN", key: "bot_token", kind: "string", enables: true },
      { name: "TELEGRAM_CHAT_ID", key: "chat_id", kind: "string" },
    ],
  },
  create: (t, ctx) =>
    new TelegramChannel(
      { bot_token: ctx.required("bot_token"), chat_id: ctx.required("chat_id"), api_base_url: t.api_base_url ?? DEFAULT_TELEGRAM_API },
      ctx.clock,
    ),
  render: (message: AlertMessage): string => renderTelegramHtml(message.content),
  renderDigest: renderTelegramDigest,
});
