// The native notifier end to end in the real process: channels configured only by the §12
// environment variables deliver; a channel that hangs does not slow ingestion down; and no secret ever shows
// up in the logs, the API's replies or the recorded delivery errors.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedHeaders } from "../../src/domain/signature.js";
import { type HttpReceiver, SmtpReceiver, parseMail, startSlackReceiver, startTelegramReceiver } from "../support/fake-receivers.js";
import { SECRET, tempDir } from "../support/exporter.js";
import { startExporterProcess, writeConfig, type ExporterProcess } from "../support/process.js";

const SLACK_PATH = "/services/T0SECRET/B0SECRET/slack-path-secret-123";
const TELEGRAM_TOKEN = "123456:telegram-token-secret-abc";
const SMTP_PASSWORD = "smtp-password-secret-xyz";

let dir: string;
let proc: ExporterProcess;
let slack: HttpReceiver;
let telegram: HttpReceiver;
let smtp: SmtpReceiver;
const replies: string[] = [];

async function call(method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; text: string; ms: number }> {
  const raw = body === undefined ? "" : JSON.stringify(body);
  const headers = method === "POST" ? { "Content-Type": "application/json", ...signedHeaders(SECRET, method, path, raw) } : {};
  const t0 = performance.now();
  const res = await fetch(proc.url + path, { method, headers, body: method === "POST" ? raw : undefined });
  const text = await res.text();
  replies.push(text);
  return { status: res.status, text, ms: performance.now() - t0 };
}

beforeAll(async () => {
  slack = await startSlackReceiver();
  telegram = await startTelegramReceiver();
  smtp = await SmtpReceiver.start({ user: "alerts", password: SMTP_PASSWORD });
  dir = tempDir();
  const config = writeConfig(dir, {
    listen: "127.0.0.1:0",
    data_dir: join(dir, "data"),
    auth: { hmac_secrets: [SECRET] },
    external_url: "https://grafana.example/d/trading-bot",
    notifications: { telegram: { api_base_url: telegram.url("") } },
  });
  proc = await startExporterProcess(config, {
    env: {
      SLACK_WEBHOOK: slack.url(SLACK_PATH),
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      TELEGRAM_CHAT_ID: "4242",
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(smtp.port),
      SMTP_USER: "alerts",
      SMTP_PASSWORD,
      EMAIL_FROM: "exporter@example.com",
      EMAIL_TO: "oncall@example.com",
    },
  });
}, 60_000);

afterAll(async () => {
  await proc?.stop();
  await Promise.all([slack?.close(), telegram?.close(), smtp?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe("the notifier configured by environment variables", () => {
  it("delivers a critical alert to Slack, Telegram and email", async () => {
    expect(
      (await call("POST", "/api/v1/events", { type: "kill_switch", bot: "env-bot", active: true, reason: "operator stop" })).status,
    ).toBe(200);
    const [slackReq] = await slack.waitForRequests(1);
    expect(JSON.parse(slackReq!.body).text).toMatch(/kill_switch_activation.*env-bot|env-bot.*kill_switch_activation/s);
    const [tgReq] = await telegram.waitForRequests(1);
    expect(tgReq!.path).toBe(`/bot${TELEGRAM_TOKEN}/sendMessage`);
    expect(JSON.parse(tgReq!.body)).toMatchObject({ chat_id: "4242", parse_mode: "HTML" });
    const [mail] = await smtp.waitForMessages(1);
    expect(mail!.user).toBe("alerts");
    const parsed = parseMail(mail!.raw);
    expect(parsed.subject).toMatch(/CRITICAL/);
    expect(parsed.text).toContain("env-bot");
    expect(parsed.text).toContain("https://grafana.example/d/trading-bot");
  });

  it("keeps ingestion fast while a channel hangs", async () => {
    slack.replyNext("hang", "hang", "hang");
    // The alert goes to Slack (hanging, 10 s timeout × 3 attempts) and to the others.
    expect((await call("POST", "/api/v1/events", { type: "circuit_breaker", bot: "hang-bot", open: true })).status).toBe(200);
    const latencies: number[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await call("POST", "/api/v1/events", { type: "trade", bot: "hang-bot", id: `t${i}`, pnl: 1 });
      expect(r.status).toBe(200);
      latencies.push(r.ms);
    }
    latencies.sort((a, b) => a - b);
    // Ingestion never waits for a channel: even the slowest of 40 posts stays far below the 10 s timeout.
    expect(latencies.at(-1)!).toBeLessThan(1000);
    await telegram.waitForRequests(2);
  });

  it("never shows a secret in logs, API replies or recorded errors", { timeout: 60_000 }, async () => {
    // A failing delivery whose error could carry the URL.
    // Enough failures for the alert's 3 attempts and the test message that may come between them.
    const failure = { status: 500, body: { ok: false, description: `bad token ${TELEGRAM_TOKEN}` } };
    telegram.replyNext(failure, failure, failure, failure, failure);
    await call("POST", "/api/v1/events", { type: "api_status", bot: "leak-bot", status: "disconnected" });
    await call("POST", "/api/v1/alerts/test", { channel: "all" });
    // The failed Telegram delivery (3 attempts) is recorded on the alert, with a sanitized error.
    let failed: { channel: string; ok: boolean; attempts: number; error: string } | undefined;
    for (let i = 0; i < 100 && !failed; i++) {
      const history = JSON.parse((await call("GET", "/api/v1/alerts/history?bot=leak-bot")).text) as {
        alerts: Array<{ deliveries: Array<{ channel: string; ok: boolean; attempts: number; error: string }> }>;
      };
      failed = history.alerts[0]?.deliveries.find((d) => d.channel === "telegram" && !d.ok);
      if (!failed) await new Promise((r) => setTimeout(r, 200));
    }
    expect(failed).toMatchObject({ channel: "telegram", ok: false, attempts: 3 });
    expect(failed!.error).toMatch(/500/);
    await call("GET", "/api/v1/alerts/history?limit=1000");
    await call("GET", "/api/v1/alerts/triggers");
    await call("GET", "/metrics");
    const everything = proc.output() + replies.join("\n");
    for (const secret of [SLACK_PATH, "slack-path-secret-123", TELEGRAM_TOKEN, "telegram-token-secret-abc", SMTP_PASSWORD, SECRET]) {
      expect(everything.includes(secret), `secret ${secret} leaked`).toBe(false);
    }
  });
});
