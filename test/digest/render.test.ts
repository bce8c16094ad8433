// Digest renderers (§19) at their limits: hundreds of bots still give one Telegram message under
// 4096 characters and one Slack message of at most 50 blocks, each saying how many it left out;
// the email lists every bot. Undefined ratios read as "–", never "NaN".
import { describe, expect, it } from "vitest";
import { buildDigest, type PeriodTrades } from "../../src/engine/digest-builder.js";
import { digestMessage } from "../../src/notify/digest-text.js";
import { discord, DISCORD_LIMITS } from "../../src/notify/channels/discord.js";
import { email } from "../../src/notify/channels/email.js";
import { slack } from "../../src/notify/channels/slack.js";
import { telegram } from "../../src/notify/channels/telegram.js";
import { webhook } from "../../src/notify/channels/webhook.js";
import type { PerformanceSnapshot } from "../../src/domain/snapshots.js";

const FROM = Date.parse("2026-01-04T07:00:00Z");
const TO = Date.parse("2026-01-05T07:00:00Z");

function perf(bot: string, i: number): PerformanceSnapshot {
  return {
    bot,
    equity: 10_000 + i,
    drawdown: 0.01,
    max_drawdown: 0.05,
    win_rate: i % 2 ? 0.5 : NaN,
    sharpe_ratio: i % 2 ? 1.25 : NaN,
  } as PerformanceSnapshot;
}

function digestOf(n: number) {
  const bots = Array.from({ length: n }, (_, i) => ({ perf: perf(`bot-${String(i).padStart(3, "0")}`, i), health: "HEALTHY" as const }));
  const trades = new Map<string, PeriodTrades>(bots.map((b, i) => [b.perf.bot, { trades: 2, wins: 1, losses: 1, pnl: i - 5 }]));
  return digestMessage(
    buildDigest({
      period: { kind: "daily", key: "2026-01-05", from: FROM, to: TO },
      test: false,
      timezone: "UTC",
      now: TO,
      bots,
      groups: [],
      trades,
      fired: [],
      firing: [],
      external_url: "https://monitor.example.com/",
    }),
  );
}

describe("digest renderers at their limits", () => {
  it("Telegram: 300 bots fit one message under 4096 characters, the rest counted", () => {
    const text = telegram.render(digestOf(300));
    expect(text.length).toBeLessThanOrEqual(4096);
    const shown = (text.match(/<b>bot-\d{3}<\/b>/g) ?? []).length;
    expect(shown).toBeGreaterThan(10);
    expect(text).toContain(`…and ${300 - shown} more on the dashboard`);
    expect(text.endsWith('<a href="https://monitor.example.com/">Open the dashboard</a>')).toBe(true);
  });

  it("Slack: at most 50 blocks, the rest counted; every field under Slack's limits", () => {
    const { blocks } = slack.render(digestOf(300));
    expect(blocks.length).toBeLessThanOrEqual(50);
    const sections = blocks.filter((b) => b.type === "section" && b.fields);
    expect(JSON.stringify(blocks)).toContain(`…and ${300 - sections.length} more on the dashboard`);
    for (const s of sections) expect(s.type === "section" && s.fields!.length).toBeLessThanOrEqual(10);
  });

  it("Discord: at most 10 embeds and 6000 characters, a summary first, the rest counted", () => {
    const { content, embeds } = discord.render(digestOf(300));
    expect(content).toBe("Daily digest · Mon 5 Jan 2026");
    expect(embeds).toHaveLength(DISCORD_LIMITS.embeds);
    const chars = embeds.reduce(
      (n, e) =>
        n + e.title.length + (e.description?.length ?? 0) + (e.fields ?? []).reduce((m, f) => m + f.name.length + f.value.length, 0),
      0,
    );
    expect(chars).toBeLessThanOrEqual(DISCORD_LIMITS.total);
    expect(embeds[0]!.title).toBe("Daily digest · Mon 5 Jan 2026");
    expect(embeds[0]!.url).toBe("https://monitor.example.com/");
    expect(embeds[0]!.description).toContain(`…and ${300 - (embeds.length - 1)} more on the dashboard`);
    expect(embeds.slice(1).map((e) => e.title)).toEqual(Array.from({ length: 9 }, (_, i) => `bot-00${i} · HEALTHY`));
    for (const e of embeds.slice(1))
      expect(e.fields!.map((f) => f.name)).toEqual(["Equity", "P&L", "Trades", "Drawdown", "Win rate", "Sharpe"]);
  });

  it("email lists every bot; a few bots are all shown everywhere with no 'more' line", () => {
    const many = email.render(digestOf(300));
    expect((many.html.match(/bot-\d{3}/g) ?? []).length).toBe(300);
    const few = digestOf(3);
    expect(telegram.render(few)).not.toContain("more on the dashboard");
    expect(JSON.stringify(slack.render(few))).not.toContain("more on the dashboard");
    expect(JSON.stringify(discord.render(few))).not.toContain("more on the dashboard");
    expect(discord.render(few).embeds).toHaveLength(4);
  });

  it("writes undefined ratios as – and null, never NaN", () => {
    const m = digestOf(2);
    for (const out of [
      telegram.render(m),
      JSON.stringify(slack.render(m)),
      email.render(m).html,
      email.render(m).text,
      JSON.stringify(discord.render(m)),
    ]) {
      expect(out).not.toContain("NaN");
      expect(out).toContain("–");
    }
    const json = webhook.render(m);
    expect(json.digest.bots[0]).toMatchObject({ win_rate: null, sharpe: null });
    expect(json.digest.period).toMatchObject({ from: "2026-01-04T07:00:00.000Z", to: "2026-01-05T07:00:00.000Z" });
  });
});
