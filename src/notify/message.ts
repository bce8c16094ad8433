// Renders a notification once into every channel's format. The content is decided here, as a list
// of labelled facts, so all channels say the same thing: what fired, on which bot, the value against
// the threshold, the severity, when, the bot's health and a link to the dashboard.
import type { Notification, RenderedMessage, SlackBlock, WebhookPayload } from "./types.js";
import { formatDuration, isoUtc, triggerText, valueAgainstThreshold } from "./trigger-text.js";

interface Fact {
  label: string;
  value: string;
}

interface Content {
  title: string;
  /** One or two sentences: what happened. */
  summary: string[];
  facts: Fact[];
  link: string | null;
}

function titleOf(n: Notification): string {
  const a = n.alert;
  const sev = a.severity.toUpperCase();
  switch (n.kind) {
    case "firing":
      return `[${sev}] ${a.trigger} on bot ${a.bot}`;
    case "reminder":
      return `[${sev}] Reminder: ${a.trigger} still firing on bot ${a.bot}`;
    case "resolved":
      return `[RESOLVED] ${a.trigger} on bot ${a.bot}`;
    case "test":
      return "[TEST] trading-exporter test notification";
  }
}

function contentOf(n: Notification): Content {
  const a = n.alert;
  const summary: string[] = [];
  if (n.kind === "test") {
    summary.push("This is a test notification from trading-exporter: this channel is configured and delivers.");
  } else {
    const what = triggerText(a.trigger).description;
    if (n.kind === "firing") summary.push(`${what}.`);
    if (n.kind === "reminder") summary.push(`Reminder: still firing. ${what}.`);
    if (n.kind === "resolved") summary.push(`Resolved: ${what[0]?.toLowerCase()}${what.slice(1)} no longer holds.`);
  }
  if (a.message && n.kind !== "test") summary.push(a.message);

  const facts: Fact[] = [
    { label: "Bot", value: a.bot },
    { label: "Trigger", value: a.trigger },
    { label: "Severity", value: a.severity },
  ];
  const value = valueAgainstThreshold(a.trigger, a.value, a.threshold);
  if (value !== null) facts.push({ label: n.kind === "resolved" ? "Value at firing" : "Value", value });
  facts.push({ label: n.kind === "resolved" ? "Started" : "Since", value: isoUtc(a.started_at) });
  if (n.kind === "resolved" && a.resolved_at !== null) {
    facts.push({ label: "Resolved", value: `${isoUtc(a.resolved_at)} (after ${formatDuration(a.resolved_at - a.started_at)})` });
  }
  const reasons = n.health.reasons.length ? ` — ${n.health.reasons.join("; ")}` : "";
  facts.push({ label: "Health", value: `${n.health.level}${reasons}` });
  if (a.acknowledged_at !== null) {
    facts.push({ label: "Acknowledged", value: `${isoUtc(a.acknowledged_at)}${a.acknowledged_by ? ` by ${a.acknowledged_by}` : ""}` });
  }
  return { title: titleOf(n), summary, facts, link: n.external_url };
}

/** Escape for HTML text and attribute values (email HTML and Telegram HTML parse mode). */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Slack mrkdwn treats only these three as control characters. */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function renderText(c: Content): string {
  const lines = [c.title, "", ...c.summary, "", ...c.facts.map((f) => `${f.label}: ${f.value}`)];
  if (c.link) lines.push(`Dashboard: ${c.link}`);
  return lines.join("\n");
}

function renderHtml(c: Content): string {
  const rows = c.facts
    .map((f) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(f.label)}</th><td>${escapeHtml(f.value)}</td></tr>`)
    .join("");
  const link = c.link ? `<p><a href="${escapeHtml(c.link)}">Open the dashboard</a></p>` : "";
  return (
    `<!doctype html><html><body style="font-family:sans-serif">` +
    `<h2>${escapeHtml(c.title)}</h2>` +
    c.summary.map((s) => `<p>${escapeHtml(s)}</p>`).join("") +
    `<table>${rows}</table>${link}</body></html>`
  );
}

// Telegram rejects messages over 4096 characters; alert texts are far shorter, but an event's
// `reason` is user input, so cap each fact.
const TELEGRAM_FACT_MAX = 600;

function renderTelegram(c: Content): string {
  const cap = (s: string) => (s.length > TELEGRAM_FACT_MAX ? `${s.slice(0, TELEGRAM_FACT_MAX)}…` : s);
  const lines = [
    `<b>${escapeHtml(c.title)}</b>`,
    ...c.summary.map((s) => escapeHtml(cap(s))),
    "",
    ...c.facts.map((f) => `<b>${escapeHtml(f.label)}:</b> ${escapeHtml(cap(f.value))}`),
  ];
  if (c.link) lines.push(`<a href="${escapeHtml(c.link)}">Open the dashboard</a>`);
  return lines.join("\n");
}

// Slack limits: header text 150 chars, section text 3000, field text 2000, 10 fields per section.
function renderSlack(c: Content): { text: string; blocks: SlackBlock[] } {
  const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
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

function webhookPayload(n: Notification): WebhookPayload {
  const a = n.alert;
  const iso = (ms: number | null) => (ms === null ? null : isoUtc(ms));
  return {
    kind: n.kind,
    alert: {
      ...a,
      started_at: isoUtc(a.started_at),
      resolved_at: iso(a.resolved_at),
      acknowledged_at: iso(a.acknowledged_at),
      deliveries: a.deliveries.map((d) => ({ ...d, at: isoUtc(d.at) })),
    },
    health: { level: n.health.level, reasons: [...n.health.reasons] },
    external_url: n.external_url,
  };
}

export function renderMessage(n: Notification): RenderedMessage {
  const c = contentOf(n);
  return {
    kind: n.kind,
    alertId: n.alert.id,
    title: c.title,
    text: renderText(c),
    html: renderHtml(c),
    slack: renderSlack(c),
    telegramHtml: renderTelegram(c),
    webhook: webhookPayload(n),
  };
}
