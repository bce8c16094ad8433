// Discord incoming webhook: POST {content, embeds, allowed_mentions} to
// /api/webhooks/<id>/<token>?wait=true. The URL is the credential (its last segment is the token),
// so it is never put in an error. `?wait=true` makes Discord answer 200 with the created message
// once it is stored, instead of 204: a delivery reported as sent is a message in the channel.
// Event text is user input: it is escaped so it cannot format, link or mention, and
// `allowed_mentions: {parse: []}` stops any @everyone or role ping whatever the text says.
import { fileHoldsHttpUrl, httpUrl } from "../../config/fields.js";
import type { Severity } from "../../domain/alert-record.js";
import type { Clock } from "../../domain/clock.js";
import { systemClock } from "../../domain/clock.js";
import { defineChannel, type AlertMessage, type Channel, type DigestMessage, type RenderedMessage } from "../channel.js";
import { alertText, botFigures, firedCountText, groupFigures, overviewText, periodText } from "../digest-text.js";
import { receiverDetail } from "../delivery-error.js";
import { parseChannelUrl, postJson, tokenSegments, type HttpResponse } from "../http-post.js";
import { clip } from "../message.js";
import { isoUtc } from "../trigger-text.js";

export interface DiscordField {
  name: string;
  value: string;
  inline?: boolean;
}

export interface DiscordEmbed {
  title: string;
  description?: string;
  url?: string;
  color: number;
  timestamp?: string;
  fields?: DiscordField[];
}

export interface DiscordPayload {
  content: string;
  embeds: DiscordEmbed[];
  allowed_mentions: { parse: [] };
}

// Discord's limits (its documentation's "embed limits"); a message breaking one is refused with 400.
export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  /** Title, description, field names and values of all embeds of one message together. */
  total: 6000,
} as const;

/** Facts at most this long sit side by side (three to a row on a desktop, stacked on a phone). */
const INLINE_MAX = 40;

// Colours of the embed's left bar: the severity while firing, green once resolved.
const SEVERITY_COLOUR: Record<Severity, number> = { critical: 0xc62828, error: 0xe65100, warning: 0xf9a825 };
export const RESOLVED_COLOUR = 0x2e7d32;
const NEUTRAL_COLOUR = 0x546e7a;
const DIGEST_COLOUR = 0x1565c0;

/**
 * Text Discord shows as written: a backslash before each character that starts formatting, a
 * masked link (`[text](url)`) or a mention (`<@id>`), and before `#`, `-` or `>` opening a line
 * (headings, lists, quotes). Discord drops the backslashes when it displays the text.
 */
export function escapeDiscord(s: string): string {
  return s.replace(/[\\*_~`|<[\]]/g, "\\$&").replace(/^(\s*)([#>-])/gm, "$1\\$2");
}

function embedChars(e: DiscordEmbed): number {
  return e.title.length + (e.description?.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
}

/**
 * Keep the embeds of one message within Discord's total: the longest text gives way first (in an
 * alert that is the user-written reason), each cut marked with "…". Lengths are counted in UTF-16
 * units, never fewer than the characters Discord counts.
 */
function withinTotal(embeds: DiscordEmbed[]): DiscordEmbed[] {
  for (;;) {
    const excess = embeds.reduce((n, e) => n + embedChars(e), 0) - DISCORD_LIMITS.total;
    if (excess <= 0) return embeds;
    type Piece = { text: string; set: (s: string) => void };
    const pieces: Piece[] = embeds.flatMap((e) => [
      { text: e.title, set: (s: string) => (e.title = s) },
      ...(e.description !== undefined ? [{ text: e.description, set: (s: string) => (e.description = s) }] : []),
      ...(e.fields ?? []).map((f) => ({ text: f.value, set: (s: string) => (f.value = s) })),
    ]);
    const longest = pieces.reduce((a, b) => (b.text.length > a.text.length ? b : a));
    longest.set(clip(longest.text, Math.max(1, longest.text.length - excess)));
  }
}

const field = (name: string, value: string, inline: boolean): DiscordField => ({
  name: clip(name, DISCORD_LIMITS.fieldName),
  // Discord refuses an empty field value.
  value: clip(value === "" ? "–" : value, DISCORD_LIMITS.fieldValue),
  inline,
});

function colourOf(m: AlertMessage): number {
  if (m.kind === "resolved") return RESOLVED_COLOUR;
  if (m.kind === "test") return NEUTRAL_COLOUR;
  return SEVERITY_COLOUR[m.notification.alert.severity];
}

/** One embed for one alert: the §7 facts as fields, the dashboard as the title's link. */
export function renderDiscord(m: AlertMessage): DiscordPayload {
  const c = m.content;
  const a = m.notification.alert;
  const embed: DiscordEmbed = {
    // Titles are built from trigger ids and bot/group names (letters, digits, _ . -): nothing to escape.
    title: clip(c.title, DISCORD_LIMITS.title),
    description: clip(escapeDiscord(c.summary.join("\n")), DISCORD_LIMITS.description),
    color: colourOf(m),
    // When what the message reports happened: the resolution, else the start.
    timestamp: isoUtc(m.kind === "resolved" && a.resolved_at !== null ? a.resolved_at : a.started_at),
    fields: c.facts
      .slice(0, DISCORD_LIMITS.fields)
      .map((f) => field(f.label, escapeDiscord(f.value), f.label !== "Health" && f.value.length <= INLINE_MAX)),
  };
  if (c.link) embed.url = c.link;
  return { content: clip(c.title, DISCORD_LIMITS.content), embeds: withinTotal([embed]), allowed_mentions: { parse: [] } };
}

const ALERT_LINES = 10;

/**
 * A digest (§19): a summary embed (period, overview, the alerts) and one embed per group and bot
 * with its figures side by side; as many as Discord's ten embeds allow, the rest counted.
 */
export function renderDiscordDigest(m: DigestMessage): DiscordPayload {
  const d = m.digest;
  const entries: DiscordEmbed[] = [
    ...d.groups.map((g) => ({
      title: clip(`Group ${g.group}`, DISCORD_LIMITS.title),
      description: clip(escapeDiscord(g.members.join(", ")), 300),
      color: DIGEST_COLOUR,
      fields: groupFigures(g, d).map(([k, v]) => field(k, v, true)),
    })),
    ...d.bots.map((b) => ({
      title: clip(`${b.bot} · ${b.health}`, DISCORD_LIMITS.title),
      color: DIGEST_COLOUR,
      fields: botFigures(b, d).map(([k, v]) => field(k, v, true)),
    })),
  ];
  const room = DISCORD_LIMITS.embeds - 1;
  const shown = entries.length <= room ? entries : entries.slice(0, room);
  const more = entries.length - shown.length;
  const list = (lines: string[]) => lines.slice(0, ALERT_LINES).map((t) => `• ${escapeDiscord(t)}`);
  const alerts = (lines: string[]) => (lines.length === 0 ? "none" : list(lines).join("\n"));
  const summary: DiscordEmbed = {
    title: clip(m.title, DISCORD_LIMITS.title),
    description: clip(
      [periodText(d), overviewText(d), ...(more > 0 ? [`…and ${more} more on the dashboard`] : [])].map(escapeDiscord).join("\n"),
      DISCORD_LIMITS.description,
    ),
    color: DIGEST_COLOUR,
    timestamp: isoUtc(d.period.to),
    fields: [
      field(`Alerts fired: ${firedCountText(d)}`, alerts(d.fired.map((a) => alertText(a, d.timezone))), false),
      field(
        `Still firing: ${d.firing.length === 0 ? "none" : d.firing.length}`,
        alerts(d.firing.map((a) => alertText(a, d.timezone))),
        false,
      ),
    ],
  };
  if (d.external_url) summary.url = d.external_url;
  return {
    content: clip(m.title, DISCORD_LIMITS.content),
    embeds: withinTotal([summary, ...shown]),
    allowed_mentions: { parse: [] },
  };
}

export interface DiscordSettings {
  webhook_url: string;
}

export class DiscordChannel implements Channel<"discord"> {
  readonly name = "discord" as const;
  private readonly url: string;
  private readonly secrets: string[];

  constructor(
    settings: DiscordSettings,
    private readonly clock: Clock = systemClock,
  ) {
    const parsed = parseChannelUrl(settings.webhook_url, "notifications.discord.webhook_url");
    const secrets = [settings.webhook_url, parsed.toString(), parsed.pathname + parsed.search, ...tokenSegments(parsed)];
    // A query the operator set (thread_id: post into a thread) is kept.
    parsed.searchParams.set("wait", "true");
    this.url = parsed.toString();
    this.secrets = [this.url, ...secrets].filter((s) => s !== "webhooks");
  }

  async send(message: RenderedMessage, signal: AbortSignal): Promise<void> {
    await postJson({
      channel: this.name,
      url: this.url,
      body: JSON.stringify(discord.render(message)),
      signal,
      nowMs: () => this.clock.now(),
      interpretFailure: (res) => this.readError(res),
    });
  }

  /**
   * Discord errors: `{message, code}`; a 429 `{message, retry_after: <seconds, fractional>, global}`
   * besides a Retry-After header rounded to whole seconds, so the body's figure is the one waited.
   */
  private readError(res: HttpResponse): { detail: string | null; retryAfterMs: number | null } {
    let body: { message?: unknown; code?: unknown; retry_after?: unknown; global?: unknown } = {};
    try {
      body = (JSON.parse(res.body) as typeof body | null) ?? {};
    } catch {
      // not JSON (Cloudflare's error page in front of Discord): the status and Retry-After alone
    }
    const ra = body.retry_after;
    const code = typeof body.code === "number" && Number.isInteger(body.code) ? ` (code ${body.code})` : "";
    const message = receiverDetail(body.message, this.secrets);
    return {
      detail: message === null ? null : `${message}${code}${body.global === true ? " (global rate limit)" : ""}`,
      retryAfterMs: typeof ra === "number" && Number.isFinite(ra) && ra >= 0 ? Math.ceil(ra * 1000) : null,
    };
  }
}

export const discord = defineChannel({
  name: "discord",
  label: "Discord",
  settings: { webhook_url: httpUrl().optional() },
  secrets: [{ key: "webhook_url", check: fileHoldsHttpUrl }],
  required: ["webhook_url"],
  env: { enabled: "ALERTS_DISCORD_ENABLED", vars: [{ name: "DISCORD_WEBHOOK", key: "webhook_url", kind: "string", enables: true }] },
  create: (_section, ctx) => new DiscordChannel({ webhook_url: ctx.required("webhook_url") }, ctx.clock),
  render: renderDiscord,
  renderDigest: renderDiscordDigest,
});
