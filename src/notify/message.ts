// What a notification says, decided once for every channel as a list of labelled facts, so all
// channels say the same thing: what fired, on which bot (or group, §19), the value against the
// threshold, the severity, when, the bot's health (a group's: its worst member's) and a link to the
// dashboard. Each channel lays it out itself.
import { alertSubject, type Notification } from "../domain/alert-record.js";
import type { AlertMessage, Fact, MessageContent } from "./channel.js";
import { formatDuration, isoUtc, triggerText, valueAgainstThreshold } from "./trigger-text.js";

function titleOf(n: Notification): string {
  const a = n.alert;
  const sev = a.severity.toUpperCase();
  switch (n.kind) {
    case "firing":
      return `[${sev}] ${a.trigger} on ${alertSubject(a)}`;
    case "reminder":
      return `[${sev}] Reminder: ${a.trigger} still firing on ${alertSubject(a)}`;
    case "resolved":
      return `[RESOLVED] ${a.trigger} on ${alertSubject(a)}`;
    case "test":
      return "[TEST] trading-exporter test notification";
  }
}

function contentOf(n: Notification): MessageContent {
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
    a.group !== undefined ? { label: "Group", value: a.group } : { label: "Bot", value: a.bot },
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

function renderText(c: MessageContent): string {
  const lines = [c.title, "", ...c.summary, "", ...c.facts.map((f) => `${f.label}: ${f.value}`)];
  if (c.link) lines.push(`Dashboard: ${c.link}`);
  return lines.join("\n");
}

/** The content every channel lays out (src/notify/channels/): decided here once, so all say the same. */
export function renderMessage(n: Notification): AlertMessage {
  const content = contentOf(n);
  return { kind: n.kind, alertId: n.alert.id, title: content.title, text: renderText(content), content, notification: n };
}

/** Cut to at most `max` characters, marking the cut: receivers refuse over-long fields, and event text is user input. */
export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
