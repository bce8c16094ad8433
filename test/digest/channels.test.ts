// A digest (§19) as each channel delivers it, received by real stand-ins: local HTTP servers for
// Slack, Telegram, Discord and a webhook, smtp-server for email; sent with POST /api/v1/digests/test. The
// HTML email is rendered in Chromium at a phone's width (test-results/digest-email.png).
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  hasValidSignature,
  parseMail,
  SmtpReceiver,
  startDiscordReceiver,
  startSlackReceiver,
  startTelegramReceiver,
  startWebhookReceiver,
  type HttpReceiver,
  type ParsedMail,
} from "../support/fake-receivers.js";
import { startHarness, type Harness } from "../support/exporter.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) {
  if (process.env.CI === "true") throw new Error(`Chromium is required in CI: ${CHROMIUM} is missing (apt-get install chromium)`);
  console.warn(`\n!!!!! SKIPPING the digest email screenshot: ${CHROMIUM} not found (apt-get install chromium) !!!!!\n`);
}
const RESULTS = "test-results";
const WEBHOOK_SECRET = "digest-webhook-secret-0123456789";
const TOKEN = "4242:digest-token";
const NOW = Date.parse("2026-01-05T18:00:00Z"); // 19:00 in Berlin; the day's 08:00 send was at 07:00Z
const at = (h: number, m = 0) => Date.UTC(2026, 0, 5, h, m);

let slack: HttpReceiver;
let telegram: HttpReceiver;
let hook: HttpReceiver;
let discordHook: HttpReceiver;
let smtp: SmtpReceiver;
let h: Harness;
let mail: ParsedMail;
let results: Array<{ channel: string; ok: boolean; error?: string }>;

beforeAll(async () => {
  [slack, telegram, hook, discordHook, smtp] = await Promise.all([
    startSlackReceiver(),
    startTelegramReceiver(),
    startWebhookReceiver(),
    startDiscordReceiver(),
    SmtpReceiver.start(),
  ]);
  h = await startHarness(
    {
      metrics: { timezone: "Europe/Berlin" },
      external_url: "https://monitor.example.com/",
      groups: { fleet: ["alpha", "bravo"] },
      digests: { daily: { enabled: true, at: "08:00" } },
      notifications: {
        enabled: true,
        slack: { enabled: true, webhook_url: slack.url("/services/T0/B0/digest") },
        telegram: { enabled: true, bot_token: TOKEN, chat_id: 77, api_base_url: telegram.url("") },
        email: { enabled: true, smtp_host: smtp.host, smtp_port: smtp.port, from: "exporter@example.com", to: "trader@example.com" },
        webhook: { enabled: true, url: hook.url("/digest"), secret: WEBHOOK_SECRET },
        discord: { enabled: true, webhook_url: discordHook.url("/api/webhooks/4242/digest-discord-token") },
      },
    },
    { now: NOW },
  );
  const res = await h.post("/api/v1/events", [
    ...Array.from({ length: 12 }, (_, i) => ({ type: "trade", bot: "alpha", ts: at(8, i * 5), id: `a${i}`, pnl: i % 3 === 0 ? -25 : 60 })),
    { type: "trade", bot: "bravo", ts: at(9), id: "b1", pnl: -1200 },
    { type: "kill_switch", bot: "charlie", ts: at(10), active: true, reason: "max daily loss <hit>" },
    { type: "trade", bot: "charlie", ts: at(10, 5), id: "c1", pnl: 5 },
  ]);
  expect(res.status, res.text).toBe(200);
  const sent = await h.post("/api/v1/digests/test", { kind: "daily" });
  expect(sent.status, sent.text).toBe(200);
  results = (sent.body as { results: typeof results }).results;
  // The bots' own alerts are notified on the same channels: pick the digest out.
  const mails = () => smtp.messages.map((m) => parseMail(m.raw)).filter((m) => m.subject.includes("digest"));
  const deadline = Date.now() + 10_000;
  while (mails().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  mail = mails()[0]!;
}, 30_000);

/** The one request of a receiver that carried the digest. */
function digestRequest(r: HttpReceiver, isDigest: (body: any) => boolean) {
  const found = r.requests.filter((req) => isDigest(JSON.parse(req.body)));
  expect(found).toHaveLength(1);
  return found[0]!;
}

afterAll(async () => {
  await h?.stop();
  await Promise.all([slack?.close(), telegram?.close(), hook?.close(), discordHook?.close(), smtp?.close()]);
});

describe("a test digest on every channel", () => {
  it("is delivered on each configured channel and recorded as a test", () => {
    expect(results.map((r) => [r.channel, r.ok, r.error])).toEqual([
      ["slack", true, undefined],
      ["email", true, undefined],
      ["telegram", true, undefined],
      ["webhook", true, undefined],
      ["discord", true, undefined],
    ]);
    const [record] = h.exporter.digests.records();
    expect(record).toMatchObject({ kind: "daily", period: "2026-01-05", test: true });
    expect(record!.deliveries.map((d) => d.channel).sort()).toEqual(["discord", "email", "slack", "telegram", "webhook"]);
    // A test counts for no period: the scheduled digest of the day is still to come.
    expect(h.exporter.digests.records()).toHaveLength(1);
  });

  it("Slack: a header, the period, a section per group and bot with two-column fields, the alerts and the link", () => {
    const body = JSON.parse(digestRequest(slack, (b) => String(b.text).includes("digest")).body) as {
      text: string;
      blocks: Array<Record<string, any>>;
    };
    expect(body.text).toBe("[TEST] Daily digest · Mon 5 Jan 2026");
    expect(body.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "[TEST] Daily digest · Mon 5 Jan 2026", emoji: false },
    });
    expect(body.blocks[1]!.elements[0].text).toContain("Mon 5 Jan, 08:00 → Mon 5 Jan, 19:00 (Europe/Berlin)");
    const section = (head: string) => body.blocks.find((b) => b.type === "section" && b.text?.text === head)!;
    // alpha: 8 wins of 60 and 4 losses of 25 in the period.
    expect(section("*alpha* · HEALTHY").fields.map((f: { text: string }) => f.text)).toEqual([
      "*Equity*\n10,380.00",
      "*P&amp;L*\n+380.00",
      "*Trades*\n12 (8W/4L)",
      "*Drawdown*\n0.00% (max 0.25%)",
      "*Win rate*\n66.67%",
      expect.stringMatching(/^\*Sharpe\*\n\d+\.\d\d$/),
    ]);
    expect(section("*charlie* · CRITICAL").fields.at(-1).text).toBe("*Alerts firing*\n1 · worst critical");
    // Health does not count drawdowns: bravo reads HEALTHY, its two firing drawdown alerts say why it is not.
    expect(section("*bravo* · HEALTHY").fields.at(-1).text).toBe("*Alerts firing*\n2 · worst error");
    expect(section("*Group fleet* · alpha, bravo").fields.at(-1).text).toBe("*Alerts firing*\n1 · worst warning");
    expect(section("*Group fleet* · alpha, bravo").fields[1].text).toBe("*P&amp;L*\n-820.00");
    const alerts = body.blocks.find((b) => b.type === "section" && String(b.text?.text).startsWith("*Alerts fired:*"))!.text.text as string;
    expect(alerts).toContain("kill_switch_activation on bot charlie");
  });

  it("Telegram: sendMessage in HTML mode, short lines, only the tags Telegram accepts, under its limit", () => {
    const req = digestRequest(telegram, (b) => String(b.text).includes("digest"));
    expect(req.path).toBe(`/bot${TOKEN}/sendMessage`);
    const body = JSON.parse(req.body) as { chat_id: string; text: string; parse_mode: string };
    expect(body).toMatchObject({ chat_id: "77", parse_mode: "HTML" });
    expect(body.text.length).toBeLessThanOrEqual(4096);
    expect(
      body.text.startsWith("<b>[TEST] Daily digest · Mon 5 Jan 2026</b>\n<i>Mon 5 Jan, 08:00 → Mon 5 Jan, 19:00 (Europe/Berlin)</i>"),
    ).toBe(true);
    expect(body.text).toContain("<b>alpha</b> · HEALTHY\nEquity 10,380.00 · P&amp;L +380.00\n12 trades (8W/4L) · DD 0.00% (max 0.25%)");
    expect(body.text).toContain("<b>Group fleet</b> (alpha, bravo)");
    expect(body.text).toContain("Win rate 0.00% · Sharpe –\n⚠ <b>Alerts firing:</b> 2 · worst error");
    expect(body.text.match(/Alerts firing:/g)).toHaveLength(3); // bravo, charlie and the group; alpha has none
    const tags = new Set((body.text.match(/<\/?([a-z]+)/g) ?? []).map((t) => t.replace(/[</]/g, "")));
    expect([...tags].sort()).toEqual(["a", "b", "i"]);
    for (const line of body.text.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it("Discord: a summary embed with the period and the alerts, then an embed per group and bot with its figures inline", () => {
    const req = digestRequest(discordHook, (b) => String(b.content).includes("digest"));
    expect(req.path).toBe("/api/webhooks/4242/digest-discord-token?wait=true");
    const body = JSON.parse(req.body) as {
      content: string;
      allowed_mentions: unknown;
      embeds: Array<{ title: string; description?: string; url?: string; fields: Array<{ name: string; value: string; inline: boolean }> }>;
    };
    expect(body.content).toBe("[TEST] Daily digest · Mon 5 Jan 2026");
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds.map((e) => e.title)).toEqual([
      "[TEST] Daily digest · Mon 5 Jan 2026",
      "Group fleet",
      "alpha · HEALTHY",
      "bravo · HEALTHY",
      "charlie · CRITICAL",
    ]);
    const [summary, fleet, alpha, , charlie] = body.embeds;
    expect(summary!.description).toContain("Mon 5 Jan, 08:00 → Mon 5 Jan, 19:00 (Europe/Berlin)");
    expect(summary!.url).toBe("https://monitor.example.com/");
    expect(summary!.fields[1]!.name).toBe("Still firing: 4");
    expect(summary!.fields[1]!.value).toContain("kill\\_switch\\_activation on bot charlie");
    expect(fleet!.description).toBe("alpha, bravo");
    // Health does not count drawdowns: the firing alerts beside the figures say what the badge does not.
    expect(charlie!.fields.at(-1)).toEqual({ name: "Alerts firing", value: "1 · worst critical", inline: true });
    expect(alpha!.fields.map((f) => f.name)).not.toContain("Alerts firing");
    expect(fleet!.fields[1]).toEqual({ name: "P&L", value: "-820.00", inline: true });
    expect(alpha!.fields.slice(0, 5)).toEqual([
      { name: "Equity", value: "10,380.00", inline: true },
      { name: "P&L", value: "+380.00", inline: true },
      { name: "Trades", value: "12 (8W/4L)", inline: true },
      { name: "Drawdown", value: "0.00% (max 0.25%)", inline: true },
      { name: "Win rate", value: "66.67%", inline: true },
    ]);
  });

  it("email: the subject, a text part, and HTML laid out for a phone", () => {
    expect(mail.subject).toBe("[TEST] Daily digest · Mon 5 Jan 2026");
    const text = mail.text!.replace(/\r\n/g, "\n");
    expect(text).toContain("alpha · HEALTHY\n  Equity: 10,380.00\n  P&L: +380.00\n  Trades: 12 (8W/4L)");
    expect(text).toContain("Dashboard: https://monitor.example.com/");
    expect(text).toContain("bravo · HEALTHY\n  Equity: 8,800.00\n  P&L: -1,200.00");
    expect(text).toContain("  Sharpe: –\n  Alerts firing: 2 · worst error\n");
    expect(mail.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(mail.html).toContain("max-width:600px");
    expect(mail.html).toContain("Open the dashboard");
  });

  it("webhook: the report as signed JSON with ISO-8601 times", () => {
    const req = digestRequest(hook, (b) => b.kind === "digest");
    expect(hasValidSignature(req, WEBHOOK_SECRET)).toBe(true);
    const body = JSON.parse(req.body) as { kind: string; digest: Record<string, any> };
    expect(body.kind).toBe("digest");
    expect(body.digest).toMatchObject({
      kind: "daily",
      test: true,
      timezone: "Europe/Berlin",
      external_url: "https://monitor.example.com/",
    });
    expect(body.digest.period).toMatchObject({ from: "2026-01-05T07:00:00.000Z", to: "2026-01-05T18:00:00.000Z" });
    expect(body.digest.bots.map((b: { bot: string }) => b.bot)).toEqual(["alpha", "bravo", "charlie"]);
    // Still firing: charlie's kill switch, bravo's 12% loss (daily and weekly), and the group's day.
    expect(body.digest.firing.map((a: { subject: string; trigger: string }) => `${a.subject}/${a.trigger}`).sort()).toEqual([
      "bot bravo/daily_drawdown",
      "bot bravo/weekly_drawdown",
      "bot charlie/kill_switch_activation",
      "group fleet/daily_drawdown",
    ]);
    expect(body.digest.firing.every((a: { resolved_at: null }) => a.resolved_at === null)).toBe(true);
    expect(body.digest.fired_count).toEqual({ warning: 2, error: 1, critical: 1 });
  });

  it.skipIf(!HAVE_CHROMIUM)("the HTML email reads on a phone: no sideways scrolling at 390 px, every bot's figures visible", async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
      await page.setContent(mail.html!, { waitUntil: "load" });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      for (const text of [
        "alpha",
        "bravo",
        "charlie",
        "Group fleet",
        "+380.00",
        "-1,200.00",
        "CRITICAL",
        "2 · worst error",
        "Still firing:",
      ]) {
        expect(await page.getByText(text, { exact: false }).first().isVisible(), text).toBe(true);
      }
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, "digest-email.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
