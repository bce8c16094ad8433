// Secrets (Slack webhook path, Telegram bot token, SMTP password, webhook URL token and HMAC secret)
// must never surface in a Delivery.error, a log line or a thrown message — even when the failure
// comes from a library whose errors quote the URL, or from a receiver that echoes the request.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { Dispatcher } from "../../src/notify/dispatcher.js";
import { buildChannels, type NotificationsSettings } from "../../src/notify/build.js";
import { sendTest } from "../../src/notify/send-test.js";
import { renderMessage } from "../../src/notify/message.js";
import type { Channel, Delivery } from "../../src/notify/types.js";
import {
  type HttpReceiver,
  SmtpReceiver,
  startSlackReceiver,
  startTelegramReceiver,
  startWebhookReceiver,
} from "../support/fake-receivers.js";
import { notification } from "./fixtures.js";
import { signedHeaders } from "../../src/domain/signature.js";
import { SECRET, tempDir } from "../support/exporter.js";
import { REPO_ROOT, startExporterProcess, writeConfig } from "../support/process.js";

const SLACK_PATH = "/services/T0SECRETA/B0SECRETB/sl4ckT0kenSECRET9f8e7d";
const TG_TOKEN = "987654321:AAH-t3l3gr4mSECRETtoken";
const SMTP_USER = "alerts-user-SECRET";
const SMTP_PASSWORD = "smtp-p4ss-SECRET-42";
const HOOK_PATH = "/hooks/ingest?token=whQuerySECRET77";
const HOOK_SECRET = "wh-hmac-SECRET-55";
const SECRETS = [
  SLACK_PATH,
  "sl4ckT0kenSECRET9f8e7d",
  TG_TOKEN,
  "AAH-t3l3gr4mSECRETtoken",
  SMTP_USER,
  SMTP_PASSWORD,
  "whQuerySECRET77",
  HOOK_SECRET,
];

function expectNoSecret(text: string, where: string): void {
  for (const s of SECRETS) expect(text.includes(s), `${where} contains "${s}": ${text}`).toBe(false);
  expect(text.includes("SECRET"), `${where}: ${text}`).toBe(false);
}

/** A pino logger writing into memory: what would reach stdout in production. */
function capturedPino() {
  const lines: string[] = [];
  const logger = pino({ level: "debug" }, { write: (s: string) => void lines.push(s) });
  return { logger, dump: () => lines.join("") };
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

function settings(slack: string, tgBase: string, hook: string, smtpPort: number): NotificationsSettings {
  return {
    enabled: true,
    slack: { enabled: true, webhook_url: slack },
    email: {
      enabled: true,
      smtp_host: "127.0.0.1",
      smtp_port: smtpPort,
      smtp_secure: false,
      smtp_user: SMTP_USER,
      smtp_password: SMTP_PASSWORD,
      from: "a@example.com",
      to: ["b@example.com"],
    },
    telegram: { enabled: true, bot_token: TG_TOKEN, chat_id: "42", api_base_url: tgBase },
    webhook: { enabled: true, url: hook, secret: HOOK_SECRET },
  };
}

async function runFailing(channels: Channel[], timeoutMs = 2_000) {
  const log = capturedPino();
  const deliveries: Delivery[] = [];
  const d = new Dispatcher({
    channels,
    timeoutMs,
    attempts: 2,
    backoffMs: 5,
    logger: log.logger,
    onDelivery: (_, del) => deliveries.push(del),
  });
  d.dispatch(notification());
  await d.idle();
  return { deliveries, log: log.dump() };
}

describe("secrets never leak", () => {
  it("connection refused on every channel", async () => {
    const closed = await startSlackReceiver();
    const port = closed.port;
    await closed.close(); // nothing listens on `port` any more
    const base = `http://127.0.0.1:${port}`;
    const channels = buildChannels(settings(base + SLACK_PATH, base, base + HOOK_PATH, port));
    const { deliveries, log } = await runFailing(channels);
    expect(deliveries.map((d) => [d.channel, d.ok])).toEqual(
      expect.arrayContaining([
        ["slack", false],
        ["email", false],
        ["telegram", false],
        ["webhook", false],
      ]),
    );
    expect(deliveries.find((d) => d.channel === "slack")!.error).toBe("connection refused (slack)");
    expect(deliveries.find((d) => d.channel === "email")!.error).toBe("connection refused (email)");
    for (const del of deliveries) expectNoSecret(del.error ?? "", `Delivery.error of ${del.channel}`);
    expect(log).toContain("notification not delivered");
    expectNoSecret(log, "log");
  });

  it("receivers that fail and echo the request URL and credentials back", async () => {
    const echo = (r: { path: string }) => ({ status: 500, body: `Internal error while handling ${r.path}` });
    const slack = await startSlackReceiver();
    const tg = await startTelegramReceiver();
    const hook = await startWebhookReceiver();
    const smtp = await SmtpReceiver.start({ echoCredentialsOnFailure: true });
    open.push(slack, tg, hook, smtp);
    const tgEcho = (r: { path: string }) => ({ status: 404, body: { ok: false, error_code: 404, description: `Not Found: ${r.path}` } });
    slack.replyNext(echo({ path: SLACK_PATH }), echo({ path: SLACK_PATH }));
    tg.replyNext(tgEcho({ path: `/bot${TG_TOKEN}/sendMessage` }));
    hook.replyNext(echo({ path: HOOK_PATH }), echo({ path: HOOK_PATH }));
    const channels = buildChannels(settings(slack.url(SLACK_PATH), tg.url(""), hook.url(HOOK_PATH), smtp.port));
    const { deliveries, log } = await runFailing(channels);
    // The secrets did go over the wire (so there was something to leak) ...
    expect(tg.requests[0]!.path).toBe(`/bot${TG_TOKEN}/sendMessage`);
    expect(hook.requests[0]!.path).toBe(HOOK_PATH);
    // ... and the receivers' own words are kept where useful, scrubbed.
    const byChannel = Object.fromEntries(deliveries.map((d) => [d.channel, d.error]));
    expect(byChannel.telegram).toBe("HTTP 404 from telegram: Not Found: /bot[redacted]/sendMessage");
    expect(byChannel.slack).toBe("HTTP 500 from slack");
    expect(byChannel.webhook).toBe("HTTP 500 from webhook");
    expect(byChannel.email).toMatch(/^SMTP 535 from email after AUTH \w+: .*\[redacted\]/);
    for (const del of deliveries) expectNoSecret(del.error ?? "", `Delivery.error of ${del.channel}`);
    expectNoSecret(log, "log");
  });

  it("timeouts", async () => {
    const slack = await startSlackReceiver();
    const tg = await startTelegramReceiver();
    const hook = await startWebhookReceiver();
    open.push(slack, tg, hook);
    for (const r of [slack, tg, hook] as HttpReceiver[]) r.replyNext("hang", "hang");
    const channels = buildChannels(settings(slack.url(SLACK_PATH), tg.url(""), hook.url(HOOK_PATH), 1)).filter((c) => c.name !== "email");
    const { deliveries, log } = await runFailing(channels, 150);
    expect(deliveries.map((d) => d.error)).toEqual(["timeout after 150 ms", "timeout after 150 ms", "timeout after 150 ms"]);
    expectNoSecret(log, "log");
  });

  it("errors thrown by channel.send, sendTest results and configuration errors", async () => {
    const closed = await startSlackReceiver();
    const port = closed.port;
    const base = `http://127.0.0.1:${port}`;
    await closed.close();
    const channels = buildChannels(settings(base + SLACK_PATH, base, base + HOOK_PATH, port));
    const message = renderMessage(notification());
    for (const c of channels) {
      const err = await c.send(message, AbortSignal.timeout(2_000)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, c.name).toBeInstanceOf(Error);
      expectNoSecret(`${String(err)} ${(err as Error).stack} ${JSON.stringify(err)}`, `error thrown by ${c.name}`);
    }
    const results = await sendTest(channels, "all", { timeoutMs: 2_000 });
    expect(results.map((r) => r.ok)).toEqual([false, false, false, false]);
    expectNoSecret(JSON.stringify(results), "sendTest results");

    const broken: [string, () => unknown][] = [
      ["slack URL", () => buildChannels({ ...settings(`not a url ${SLACK_PATH}`, base, base, 1) })],
      ["telegram base", () => buildChannels({ ...settings(base + SLACK_PATH, `ftp://${TG_TOKEN}@x`, base, 1) })],
      [
        "telegram token",
        () =>
          buildChannels({
            ...settings(base + SLACK_PATH, base, base, 1),
            telegram: { enabled: true, bot_token: `${TG_TOKEN}/x`, chat_id: "1" },
          }),
      ],
    ];
    for (const [what, build] of broken) {
      let thrown: unknown = null;
      try {
        build();
      } catch (e) {
        thrown = e;
      }
      expect(thrown, what).toBeInstanceOf(Error);
      expectNoSecret(String(thrown), `config error (${what})`);
    }
  });

  it("an unexpected (non-DeliveryError) failure inside a channel is reported by type only", async () => {
    const leaky: Channel = {
      name: "slack",
      send: async () => {
        throw new TypeError(`cannot POST https://hooks.slack.com${SLACK_PATH}`);
      },
    };
    const { deliveries, log } = await runFailing([leaky]);
    expect(deliveries[0]!.error).toBe("unexpected TypeError in slack channel");
    expectNoSecret(log, "log");
  });
});

describe("secret-bearing URLs in the real process (§16)", () => {
  // A probe URL and notification URLs whose paths and queries carry tokens; every receiver fails,
  // so the errors are recorded and logged. Then every reply, log line and check-config's output is
  // searched for any part of them beyond scheme and host.
  const PROBE_PATH = "/v1/PROBEPATHSECRET/ping";
  const PROBE_QUERY = "apiKey=PROBEQUERYSECRET";
  const HOOK = "/hooks/HOOKPATHSECRET?token=HOOKQUERYSECRET";
  const TG = "424242:TGTOKENSECRET";
  const HIDDEN = [
    "PROBEPATHSECRET",
    "PROBEQUERYSECRET",
    "HOOKPATHSECRET",
    "HOOKQUERYSECRET",
    "TGTOKENSECRET",
    "SLACKPATHSECRET",
    "webhook-hmac-SECRET",
  ];

  it("shows none of them in logs, replies, recorded errors, /metrics, the OpenAPI document or check-config", async () => {
    const failing = await startWebhookReceiver();
    failing.replyNext(...Array.from({ length: 20 }, () => ({ status: 500, body: `echo ${HOOK} ${TG}` })));
    const probe = await startSlackReceiver();
    probe.replyNext(...Array.from({ length: 50 }, () => ({ status: 503, body: `down ${PROBE_PATH}?${PROBE_QUERY}` })));
    open.push(failing, probe);
    const dir = tempDir("secret-urls-");
    const config = writeConfig(dir, {
      listen: "127.0.0.1:0",
      data_dir: join(dir, "data"),
      auth: { hmac_secrets: [SECRET] },
      api_probe: {
        url: probe.url(`${PROBE_PATH}?${PROBE_QUERY}`),
        interval_seconds: 1,
        timeout_seconds: 0.5,
        failures_before_disconnected: 1,
      },
      alerts: { evaluation_interval_seconds: 1 },
      notifications: {
        enabled: true,
        webhook: { enabled: true, url: failing.url(HOOK), secret: "webhook-hmac-SECRET-0123" },
        slack: { enabled: true, webhook_url: failing.url("/services/SLACKPATHSECRET") },
        telegram: { enabled: true, bot_token: TG, chat_id: 1, api_base_url: failing.url("") },
      },
    });
    const proc = await startExporterProcess(config);
    const texts: string[] = [];
    try {
      const get = async (path: string, init?: RequestInit) => {
        const res = await fetch(proc.url + path, init);
        texts.push(
          `${path} → ${res.status} ${JSON.stringify(Object.fromEntries(res.headers as unknown as Iterable<[string, string]>))} ${await res.text()}`,
        );
        return res;
      };
      const body = JSON.stringify({ type: "kill_switch", bot: "leak-bot", active: true, reason: "test" });
      const posted = await get("/api/v1/events", {
        method: "POST",
        headers: { "Content-Type": "application/json", ...signedHeaders(SECRET, "POST", "/api/v1/events", body) },
        body,
      });
      expect(posted.status).toBe(200);
      await get("/api/v1/events", { method: "POST", headers: { "Content-Type": "application/json" }, body }); // early 401
      // Wait until the failures are recorded: deliveries with errors, and the probe's error.
      const deadline = Date.now() + 20_000;
      for (;;) {
        const history = (await (await fetch(`${proc.url}/api/v1/alerts/history`)).json()) as {
          alerts: { deliveries: { ok: boolean }[] }[];
        };
        const failed = history.alerts.flatMap((a) => a.deliveries).filter((d) => !d.ok).length;
        if (failed >= 3 && probe.requests.length >= 2) break;
        if (Date.now() > deadline)
          throw new Error(`failures not recorded in time (${failed} failed deliveries, ${probe.requests.length} probes)`);
        await new Promise((r) => setTimeout(r, 200));
      }
      for (const path of [
        "/api/v1/alerts/history",
        "/api/v1/health/status",
        "/api/v1/health/safety",
        "/api/v1/alerts/triggers",
        "/metrics",
        "/api/v1/openapi.json",
        "/api/v1/metrics/realtime",
        "/no-such-route",
      ]) {
        await get(path);
      }
      await get("/api/v1/alerts/test", {
        method: "POST",
        headers: { "Content-Type": "application/json", ...signedHeaders(SECRET, "POST", "/api/v1/alerts/test", "{}") },
        body: "{}",
      });
      texts.push(
        execFileSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "src/cli.ts"), "check-config", "--config", config], {
          cwd: REPO_ROOT,
          encoding: "utf8",
        }),
      );
    } finally {
      await proc.stop();
      texts.push(proc.output());
      rmSync(dir, { recursive: true, force: true });
    }
    const all = texts.join("\n");
    // The failures did happen and were shown (by host), so the search looked at real error text.
    expect(all).toMatch(/"ok":false/);
    expect(all).toContain(`127.0.0.1:${probe.port}`);
    for (const s of HIDDEN)
      expect(all.includes(s), `"${s}" found in: ${all.slice(Math.max(0, all.indexOf(s) - 300), all.indexOf(s) + 100)}`).toBe(false);
  }, 60_000);
});
