// Runs the committed alertmanager.yml and templates in a real Alertmanager (0.25): the inhibition rules
// mute what §14 says they mute, and a critical alert reaches Slack, email, Telegram and Discord with the
// rendered templates. Only the delivery endpoints and group_wait are changed (to local stand-ins, 1 s).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { requireBinary } from "../support/binaries.js";
import { startAlertmanager, type RunningAlertmanager } from "./helpers/alertmanager-process.js";
import { startHttpCapture, startSmtpCapture, type HttpCapture, type SmtpCapture } from "./helpers/capture.js";

const root = join(import.meta.dirname, "..", "..");
const binary = requireBinary(["prometheus-alertmanager", "alertmanager"], "apt-get install prometheus-alertmanager");

interface ApiAlert {
  labels: Record<string, string>;
  fingerprint: string;
  status: { state: string; inhibitedBy: string[] };
}

/** The committed config with deliveries pointed at local stand-ins. */
function localConfig(dir: string, http: HttpCapture, smtp: SmtpCapture): string {
  const config = parse(readFileSync(join(root, "alertmanager", "alertmanager.yml"), "utf8"));
  writeFileSync(join(dir, "slack_api_url"), `${http.url}/slack\n`);
  writeFileSync(join(dir, "smtp_password"), "not-used\n");
  config.global.slack_api_url_file = join(dir, "slack_api_url");
  config.global.smtp_auth_password_file = join(dir, "smtp_password");
  config.global.smtp_smarthost = smtp.address;
  config.global.smtp_require_tls = false;
  config.templates = [join(root, "alertmanager", "templates", "*.tmpl")];
  config.route.group_wait = "1s";
  for (const route of config.route.routes) if (route.group_wait) route.group_wait = "1s";
  for (const receiver of config.receivers) {
    for (const telegram of receiver.telegram_configs ?? []) telegram.api_url = `${http.url}/telegram`;
    for (const discord of receiver.discord_configs ?? []) discord.webhook_url = `${http.url}/discord/api/webhooks/1/token`;
  }
  const path = join(dir, "alertmanager.yml");
  writeFileSync(path, stringify(config));
  return path;
}

function alert(alertname: string, severity: string, bot?: string) {
  const labels: Record<string, string> = { alertname, severity, job: "trading-exporter" };
  if (bot) labels.bot = bot;
  return withLabels(labels, bot);
}

/** A group's drawdown alert (§19): `group` instead of `bot`. */
function groupAlert(alertname: string, severity: string, group: string) {
  return withLabels({ alertname, severity, job: "trading-exporter", group }, group);
}

function withLabels(labels: Record<string, string>, bot: string | undefined) {
  return {
    labels,
    annotations: {
      summary: `Bot ${bot}: ${labels.alertname} summary`,
      description: `Bot ${bot} is 7% below today's equity high, at or above the alert threshold of 5%.`,
      dashboard: `http://localhost:3000/d/trading-bot/trading-bot?var-bot=${bot}`,
    },
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    generatorURL: "http://prometheus.test:9090/graph",
  };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, deadlineMs = 15_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(binary.skipReason)("alertmanager.yml in a real Alertmanager", () => {
  let dir: string;
  let http: HttpCapture;
  let smtp: SmtpCapture;
  let am: RunningAlertmanager;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "trading-am-"));
    http = await startHttpCapture();
    smtp = await startSmtpCapture();
    am = await startAlertmanager(binary.path!, localConfig(dir, http, smtp), join(dir, "data"));
  });

  afterAll(async () => {
    await am?.stop();
    await http?.close();
    await smtp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function post(alerts: unknown[]): Promise<void> {
    const response = await fetch(`${am.url}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(alerts),
    });
    expect(response.status, await response.text()).toBe(200);
  }

  async function listAlerts(): Promise<ApiAlert[]> {
    const response = await fetch(`${am.url}/api/v2/alerts`);
    return (await response.json()) as ApiAlert[];
  }

  it("inhibits per bot and per group: kill switch mutes the other trading alerts, total mutes weekly+daily, weekly mutes daily", async () => {
    const posted = [
      alert("TradingKillSwitchActive", "critical", "halted"),
      alert("TradingDailyDrawdown", "warning", "halted"),
      alert("TradingCircuitBreakerTripped", "critical", "halted"),
      alert("TradingBotStale", "error", "halted"),
      alert("TradingDailyDrawdown", "warning", "calm"),
      alert("TradingTotalDrawdown", "critical", "sinking"),
      alert("TradingWeeklyDrawdown", "error", "sinking"),
      alert("TradingDailyDrawdown", "warning", "sinking"),
      alert("TradingConsecutiveLosses", "warning", "sinking"),
      alert("TradingWeeklyDrawdown", "error", "sliding"),
      alert("TradingDailyDrawdown", "warning", "sliding"),
      alert("TradingExporterDown", "critical"),
      // Groups (§19): the same drawdown chain per group, and a kill switch on a member mutes no group alert.
      alert("TradingKillSwitchActive", "critical", "member"),
      groupAlert("TradingGroupTotalDrawdown", "critical", "fleet"),
      groupAlert("TradingGroupDailyDrawdown", "warning", "fleet"),
      groupAlert("TradingGroupDailyDrawdown", "warning", "desk"),
    ];
    await post(posted);

    const key = (a: ApiAlert) => `${a.labels.bot ?? (a.labels.group ? `group:${a.labels.group}` : "-")}/${a.labels.alertname}`;
    const expected: Record<string, string | null> = {
      "halted/TradingKillSwitchActive": null,
      "halted/TradingDailyDrawdown": "halted/TradingKillSwitchActive",
      "halted/TradingCircuitBreakerTripped": "halted/TradingKillSwitchActive",
      "halted/TradingBotStale": "halted/TradingKillSwitchActive",
      "calm/TradingDailyDrawdown": null,
      "sinking/TradingTotalDrawdown": null,
      "sinking/TradingWeeklyDrawdown": "sinking/TradingTotalDrawdown",
      "sinking/TradingDailyDrawdown": "sinking/TradingTotalDrawdown",
      "sinking/TradingConsecutiveLosses": null,
      "sliding/TradingWeeklyDrawdown": null,
      "sliding/TradingDailyDrawdown": "sliding/TradingWeeklyDrawdown",
      "-/TradingExporterDown": null,
      "member/TradingKillSwitchActive": null,
      "group:fleet/TradingGroupTotalDrawdown": null,
      "group:fleet/TradingGroupDailyDrawdown": "group:fleet/TradingGroupTotalDrawdown",
      "group:desk/TradingGroupDailyDrawdown": null,
    };
    // The inhibitor learns about source alerts asynchronously: wait until every expected inhibition is
    // in place (or time out), then compare the whole picture.
    const observe = (alerts: ApiAlert[]) => {
      const byFingerprint = new Map(alerts.map((a) => [a.fingerprint, key(a)]));
      return Object.fromEntries(
        alerts.map((a) => [key(a), a.status.inhibitedBy.length ? a.status.inhibitedBy.map((f) => byFingerprint.get(f)).join(",") : null]),
      );
    };
    let observed: Record<string, string | null> = {};
    await waitFor("the expected inhibitions", async () => {
      observed = observe(await listAlerts());
      const expectedMuted = Object.values(expected).filter(Boolean).length;
      return Object.keys(observed).length === posted.length && Object.values(observed).filter(Boolean).length >= expectedMuted
        ? true
        : undefined;
    }).catch(() => undefined);
    expect(observed).toEqual(expected);

    const states = Object.fromEntries((await listAlerts()).map((a) => [key(a), a.status.state]));
    expect(states["halted/TradingBotStale"]).toBe("suppressed");
    expect(states["calm/TradingDailyDrawdown"]).toBe("active");
  });

  it("delivers a critical alert to Slack, email, Telegram and Discord with the templates rendered", async () => {
    await post([alert("TradingKillSwitchActive", "critical", "tplbot")]);
    const title = "[FIRING:1] TradingKillSwitchActive on bot tplbot (critical)";

    const slack = await waitFor("the Slack message", () =>
      http.requests.find((r) => r.path === "/slack" && r.body.includes("on bot tplbot")),
    );
    const slackBody = JSON.parse(slack.body) as { attachments: { title: string; title_link: string; text: string; color: string }[] };
    expect(slackBody.attachments[0]).toMatchObject({
      title,
      title_link: "http://localhost:3000/d/trading-bot/trading-bot?var-bot=tplbot",
      color: "danger",
    });
    expect(slackBody.attachments[0]!.text).toContain("*Bot tplbot: TradingKillSwitchActive summary*");
    expect(slackBody.attachments[0]!.text).toContain("at or above the alert threshold of 5%");
    expect(slackBody.attachments[0]!.text).toMatch(/started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);

    const telegram = await waitFor("the Telegram message", () =>
      http.requests.find((r) => r.path.endsWith("/sendMessage") && r.body.includes("tplbot")),
    );
    expect(telegram.path).toBe("/telegram/bot__TELEGRAM_BOT_TOKEN__/sendMessage");
    const telegramBody = JSON.parse(telegram.body) as { text: string; parse_mode: string; chat_id: string };
    expect(telegramBody.parse_mode).toBe("HTML");
    expect(telegramBody.text).toContain(`<b>${title}</b>`);
    // HTML parse mode: the apostrophe of "today's" is escaped, not sent raw.
    expect(telegramBody.text).toContain("today&#39;s equity high");

    const discord = await waitFor("the Discord message", () =>
      http.requests.find((r) => r.path.startsWith("/discord/") && r.body.includes("tplbot")),
    );
    expect(discord.path).toBe("/discord/api/webhooks/1/token");
    const discordBody = JSON.parse(discord.body) as { embeds: { title: string; description: string; color: number }[] };
    expect(discordBody.embeds).toHaveLength(1);
    expect(discordBody.embeds[0]!.title).toBe(title);
    expect(discordBody.embeds[0]!.description).toContain("🔴 **Bot tplbot: TradingKillSwitchActive summary**");
    expect(discordBody.embeds[0]!.description).toContain("at or above the alert threshold of 5%");
    expect(discordBody.embeds[0]!.description).toContain(" · [dashboard](http://localhost:3000/d/trading-bot/trading-bot?var-bot=tplbot)");
    expect(discordBody.embeds[0]!.description).toMatch(/\*started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\*/);

    const email = await waitFor("the email", () => smtp.messages.find((m) => m.includes("tplbot")));
    expect(email).toMatch(/^Subject: \[FIRING:1\] TradingKillSwitchActive on bot tplbot \(critical\)\r?$/m);
    expect(email).toMatch(/^To: trading-oncall@example\.com\r?$/m);
  });
});
