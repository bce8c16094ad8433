// Slack incoming webhook: POST {text, blocks}. The webhook URL is the credential (its path holds
// the token), so it is never put in an error; Slack's short error bodies ("invalid_payload",
// "no_service") are kept because they tell the operator what to fix.
import { fileHoldsHttpUrl, httpUrl } from "../../config/fields.js";
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
import { alertText, botFigures, firedCountText, groupFigures, overviewText, periodText } from "../digest-text.js";
import { receiverDetail } from "../delivery-error.js";
import { parseChannelUrl, postJson, tokenSegments } from "../http-post.js";
import { clip } from "../message.js";

/** Slack Block Kit blocks (only the few kinds the notifier renders). */
export type SlackBlock =
  | { type: "header"; text: { type: "plain_text"; text: string; emoji?: boolean } }
  | { type: "section"; text?: { type: "mrkdwn"; text: string }; fields?: { type: "mrkdwn"; text: string }[] }
  | { type: "context"; elements: { type: "mrkdwn"; text: string }[] }
  | { type: "divider" };

export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

/** Slack mrkdwn treats only these three as control characters. */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// Slack limits: header text 150 chars, section text 3000, field text 2000, 10 fields per section.
export function renderSlack(c: MessageContent): SlackPayload {
  const short = c.facts.filter((f) => f.label !== "Health");
  const health = c.facts.find((f) => f.label === "Health");
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: clip(c.title, 150), emoji: false } },
    { type: "section", text: { type: "mrkdwn", text: clip(escapeSlack(c.summary.join("\n")), 3000) } },
    {
      type: "section",
      fields: short.slice(0, 10).map((f) => ({ type: "mrkdwn", text: clip(`*${f.label}*\n${escapeSlack(f.value)}`, 2000) })),
    },
  ];
  if (health) blocks.push({ type: "section", text: { type: "mrkdwn", text: clip(`*Health*\n${escapeSlack(health.value)}`, 3000) } });
  if (c.link) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `<${escapeSlack(c.link)}|Open the dashboard>` }] });
  return { text: escapeSlack(c.title), blocks };
}

// A message holds at most 50 blocks: a digest lists as many groups and bots as fit and counts the rest.
const MAX_BLOCKS = 50;
const ALERT_LINES = 10;

/** A digest (§19): one section per group and bot, its figures as two-column fields (readable on a phone). */
export function renderSlackDigest(m: DigestMessage): SlackPayload {
  const d = m.digest;
  const section = (head: string, figures: Array<[string, string]>): SlackBlock => ({
    type: "section",
    text: { type: "mrkdwn", text: clip(head, 3000) },
    fields: figures.map(([k, v]) => ({ type: "mrkdwn", text: clip(`*${escapeSlack(k)}*\n${escapeSlack(v)}`, 2000) })),
  });
  const entries = [
    ...d.groups.map((g) => section(`*Group ${escapeSlack(g.group)}* · ${escapeSlack(g.members.join(", "))}`, groupFigures(g, d))),
    ...d.bots.map((b) => section(`*${escapeSlack(b.bot)}* · ${b.health}`, botFigures(b, d))),
  ];
  const list = (items: string[]) => items.slice(0, ALERT_LINES).map((t) => `• ${escapeSlack(t)}`);
  const alerts = [
    `*Alerts fired:* ${firedCountText(d)}`,
    ...list(d.fired.map((a) => alertText(a, d.timezone))),
    `*Still firing:* ${d.firing.length === 0 ? "none" : d.firing.length}`,
    ...list(d.firing.map((a) => alertText(a, d.timezone))),
  ];
  const head: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: clip(m.title, 150), emoji: false } },
    { type: "context", elements: [{ type: "mrkdwn", text: clip(escapeSlack(`${periodText(d)}\n${overviewText(d)}`), 3000) }] },
  ];
  const tail: SlackBlock[] = [{ type: "divider" }, { type: "section", text: { type: "mrkdwn", text: clip(alerts.join("\n"), 3000) } }];
  if (d.external_url)
    tail.push({ type: "context", elements: [{ type: "mrkdwn", text: `<${escapeSlack(d.external_url)}|Open the dashboard>` }] });
  const room = MAX_BLOCKS - head.length - tail.length;
  const shown = entries.length <= room ? entries : entries.slice(0, room - 1);
  const more = entries.length - shown.length;
  const body =
    more > 0
      ? [...shown, { type: "context" as const, elements: [{ type: "mrkdwn" as const, text: `…and ${more} more on the dashboard` }] }]
      : shown;
  return { text: escapeSlack(m.title), blocks: [...head, ...body, ...tail] };
}

export interface SlackSettings {
  webhook_url: string;
}

export class SlackChannel implements Channel<"slack"> {
  readonly name = "slack" as const;
  private readonly url: string;
  private readonly secrets: string[];

  constructor(
    settings: SlackSettings,
    private readonly clock: Clock = systemClock,
  ) {
    const parsed = parseChannelUrl(settings.webhook_url, "notifications.slack.webhook_url");
    this.url = parsed.toString();
    this.secrets = [settings.webhook_url, this.url, parsed.pathname + parsed.search, ...tokenSegments(parsed)];
  }

  async send(message: RenderedMessage, signal: AbortSignal): Promise<void> {
    await postJson({
      channel: this.name,
      url: this.url,
      body: JSON.stringify(slack.render(message)),
      signal,
      nowMs: () => this.clock.now(),
      interpretFailure: (res) => ({ detail: /^[a-z_]{1,64}$/.test(res.body.trim()) ? receiverDetail(res.body, this.secrets) : null }),
    });
  }
}

export const slack = defineChannel({
  name: "slack",
  label: "Slack",
  settings: { webhook_url: httpUrl().optional() },
  secrets: [{ key: "webhook_url", check: fileHoldsHttpUrl }],
  required: ["webhook_url"],
  env: { enabled: "ALERTS_SLACK_ENABLED", vars: [{ name: "SLACK_WEBHOOK", key: "webhook_url", kind: "string", enables: true }] },
  create: (_section, ctx) => new SlackChannel({ webhook_url: ctx.required("webhook_url") }, ctx.clock),
  render: (message: AlertMessage): SlackPayload => renderSlack(message.content),
  renderDigest: renderSlackDigest,
});
