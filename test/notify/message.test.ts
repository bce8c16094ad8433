import { describe, expect, it } from "vitest";
import { renderMessage } from "../../src/notify/message.js";
import { email } from "../../src/notify/channels/email.js";
import { slack } from "../../src/notify/channels/slack.js";
import { telegram } from "../../src/notify/channels/telegram.js";
import { webhook } from "../../src/notify/channels/webhook.js";
import { T0, notification } from "./fixtures.js";

describe("renderMessage", () => {
  it("a firing drawdown alert says what fired, where, value vs threshold in percent, severity, when, health and link", () => {
    const m = renderMessage(notification());
    expect(m.title).toBe("[WARNING] daily_drawdown on bot alpha");
    expect(m.text).toContain("Daily drawdown reached its limit.");
    expect(m.text).toContain("Bot: alpha");
    expect(m.text).toContain("Severity: warning");
    expect(m.text).toContain("Value: 6.20% (threshold ≥ 5.00%)");
    expect(m.text).toContain("Since: 2024-05-06T14:30:00.000Z");
    expect(m.text).toContain("Health: DEGRADED — circuit breaker open: volatility spike");
    expect(m.text).toContain("Dashboard: https://monitor.example.com/");
    expect(email.render(m).html).toContain('<a href="https://monitor.example.com/">');
    expect(email.render(m).html).toContain("6.20% (threshold ≥ 5.00%)");
  });

  it("a group's drawdown alert (§19) names the group, not a bot, in every format", () => {
    const m = renderMessage(
      notification({
        alert: { group: "fleet", trigger: "total_drawdown", severity: "critical", value: 0.21, threshold: 0.2 },
        health: { level: "DEGRADED", reasons: ["bravo: circuit breaker open"] },
      }),
    );
    expect(m.title).toBe("[CRITICAL] total_drawdown on group fleet");
    expect(m.text).toContain("Group: fleet");
    expect(m.text).not.toContain("Bot:");
    expect(m.text).toContain("Value: 21.00% (threshold ≥ 20.00%)");
    expect(m.text).toContain("Health: DEGRADED — bravo: circuit breaker open");
    expect(telegram.render(m)).toContain("<b>Group:</b> fleet");
    expect(JSON.stringify(slack.render(m).blocks)).toContain("*Group*\\nfleet");
    expect(email.render(m).html).toContain("fleet");
    expect(webhook.render(m).alert).toMatchObject({ group: "fleet" });
    expect(webhook.render(m).alert).not.toHaveProperty("bot");
  });

  it("formats counts as integers and the win-rate threshold as a lower bound", () => {
    const losses = renderMessage(notification({ alert: { trigger: "consecutive_losses", value: 12, threshold: 10 } }));
    expect(losses.text).toContain("Value: 12 (threshold ≥ 10)");
    const winRate = renderMessage(notification({ alert: { trigger: "low_win_rate", value: 0.25, threshold: 0.3 } }));
    expect(winRate.text).toContain("Value: 25.00% (threshold < 30.00%)");
  });

  it("on/off triggers show no value line; the kill switch title is the one the operator expects", () => {
    const m = renderMessage(
      notification({
        alert: {
          trigger: "kill_switch_activation",
          severity: "critical",
          value: null,
          threshold: null,
          message: "kill switch active: manual stop",
        },
        health: { level: "CRITICAL", reasons: ["kill switch active: manual stop"] },
      }),
    );
    expect(m.title).toBe("[CRITICAL] kill_switch_activation on bot alpha");
    expect(m.text).not.toContain("Value:");
    expect(m.text).toContain("Kill switch activated");
    expect(m.text).toContain("Health: CRITICAL — kill switch active: manual stop");
  });

  it("reminders and resolutions say so, and a resolution gives when and how long", () => {
    const reminder = renderMessage(notification({ kind: "reminder" }));
    expect(reminder.title).toBe("[WARNING] Reminder: daily_drawdown still firing on bot alpha");
    expect(reminder.text).toContain("Reminder: still firing.");
    const resolved = renderMessage(
      notification({ kind: "resolved", alert: { status: "resolved", resolved_at: T0 + 45 * 60_000 + 5_000 } }),
    );
    expect(resolved.title).toBe("[RESOLVED] daily_drawdown on bot alpha");
    expect(resolved.text).toContain("Resolved: daily drawdown reached its limit no longer holds.");
    expect(resolved.text).toContain("Resolved: 2024-05-06T15:15:05.000Z (after 45 min 5 s)");
    expect(slack.render(resolved).text).toBe("[RESOLVED] daily_drawdown on bot alpha");
  });

  it("leaves the link out when external_url is not configured", () => {
    const m = renderMessage(notification({ external_url: null }));
    expect(m.text).not.toContain("Dashboard:");
    expect(telegram.render(m)).not.toContain("<a ");
    expect(slack.render(m).blocks.some((b) => b.type === "context")).toBe(false);
  });

  it("escapes <, > and & from event text in Telegram HTML, email HTML and Slack mrkdwn", () => {
    const m = renderMessage(
      notification({ health: { level: "DEGRADED", reasons: ["api degraded: <timeout> & retry"] }, alert: { message: "P&L <b>bad</b>" } }),
    );
    expect(telegram.render(m)).toContain("api degraded: &lt;timeout&gt; &amp; retry");
    expect(telegram.render(m)).toContain("P&amp;L &lt;b&gt;bad&lt;/b&gt;");
    expect(telegram.render(m)).not.toContain("<timeout>");
    // Only the tags Telegram's HTML mode accepts remain.
    const tags = telegram.render(m).match(/<\/?([a-z]+)/g) ?? [];
    expect(new Set(tags.map((t) => t.replace(/[</]/g, "")))).toEqual(new Set(["b", "a"]));
    expect(email.render(m).html).toContain("&lt;timeout&gt; &amp; retry");
    expect(JSON.stringify(slack.render(m).blocks)).toContain("&lt;timeout&gt; &amp; retry");
    expect(m.text).toContain("api degraded: <timeout> & retry"); // plain text stays plain
  });

  it("Slack blocks carry a header, the facts as fields, the health and the dashboard link", () => {
    const { blocks } = slack.render(renderMessage(notification()));
    expect(blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "[WARNING] daily_drawdown on bot alpha", emoji: false },
    });
    const fields = blocks.flatMap((b) => (b.type === "section" && b.fields ? b.fields.map((f) => f.text) : []));
    expect(fields).toContain("*Bot*\nalpha");
    expect(fields).toContain("*Value*\n6.20% (threshold ≥ 5.00%)");
    expect(blocks).toContainEqual({
      type: "context",
      elements: [{ type: "mrkdwn", text: "<https://monitor.example.com/|Open the dashboard>" }],
    });
  });

  it("the webhook payload is the record with ISO-8601 UTC times, plus kind, health and link", () => {
    const n = notification({
      kind: "resolved",
      alert: {
        status: "resolved",
        resolved_at: T0 + 60_000,
        deliveries: [{ channel: "slack", ok: true, attempts: 1, error: null, at: T0 + 1_000 }],
      },
    });
    const w = webhook.render(renderMessage(n));
    expect(w.kind).toBe("resolved");
    expect(w.alert).toMatchObject({
      id: "a-1",
      bot: "alpha",
      trigger: "daily_drawdown",
      value: 0.062,
      threshold: 0.05,
      status: "resolved",
    });
    expect(w.alert.started_at).toBe("2024-05-06T14:30:00.000Z");
    expect(w.alert.resolved_at).toBe("2024-05-06T14:31:00.000Z");
    expect(w.alert.deliveries[0]?.at).toBe("2024-05-06T14:30:01.000Z");
    expect(w.health).toEqual(n.health);
    expect(w.external_url).toBe("https://monitor.example.com/");
  });
});
