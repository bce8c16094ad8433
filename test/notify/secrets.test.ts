// Secrets (Slack webhook path, Telegram bot token, SMTP password, webhook URL token and HMAC secret)
// must never surface in a Delivery.error, a log line or a thrown message — even when the failure
// comes from a library whose errors quote the URL, or from a receiver that echoes the request.
import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { Dispatcher } from "../../src/notify/dispatcher.js";
import { buildChannels, type NotificationsSettings } from "../../src/notify/build.js";
import { sendTest } from "../../src/notify/send-test.js";
import { renderMessage } from "../../src/notify/message.js";
import type { Channel, Delivery } from "../../src/notify/types.js";
import { type HttpReceiver, SmtpReceiver, startSlackReceiver, startTelegramReceiver, startWebhookReceiver } from "../support/fake-receivers.js";
import { notification } from "./fixtures.js";

const SLACK_PATH = "/services/T0SECRETA/B0SECRETB/sl4ckT0kenSECRET9f8e7d";
const TG_TOKEN = "987654321:AAH-t3l3gr4mSECRETtoken";
const SMTP_USER = "alerts-user-SECRET";
const SMTP_PASSWORD = "smtp-p4ss-SECRET-42";
const HOOK_PATH = "/hooks/ingest?token=whQuerySECRET77";
const HOOK_SECRET = "wh-hmac-SECRET-55";
const SECRETS = [SLACK_PATH, "sl4ckT0kenSECRET9f8e7d", TG_TOKEN, "AAH-t3l3gr4mSECRETtoken", SMTP_USER, SMTP_PASSWORD, "whQuerySECRET77", HOOK_SECRET];

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
    email: { enabled: true, smtp_host: "127.0.0.1", smtp_port: smtpPort, smtp_secure: false, smtp_user: SMTP_USER, smtp_password: SMTP_PASSWORD, from: "a@example.com", to: ["b@example.com"] },
    telegram: { enabled: true, bot_token: TG_TOKEN, chat_id: "42", api_base_url: tgBase },
    webhook: { enabled: true, url: hook, secret: HOOK_SECRET },
  };
}

async function runFailing(channels: Channel[], timeoutMs = 2_000) {
  const log = capturedPino();
  const deliveries: Delivery[] = [];
  const d = new Dispatcher({ channels, timeoutMs, attempts: 2, backoffMs: 5, logger: log.logger, onDelivery: (_, del) => deliveries.push(del) });
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
      expect.arrayContaining([["slack", false], ["email", false], ["telegram", false], ["webhook", false]]),
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
      const err = await c.send(message, AbortSignal.timeout(2_000)).then(() => null, (e: unknown) => e);
      expect(err, c.name).toBeInstanceOf(Error);
      expectNoSecret(`${String(err)} ${(err as Error).stack} ${JSON.stringify(err)}`, `error thrown by ${c.name}`);
    }
    const results = await sendTest(channels, "all", { timeoutMs: 2_000 });
    expect(results.map((r) => r.ok)).toEqual([false, false, false, false]);
    expectNoSecret(JSON.stringify(results), "sendTest results");

    const broken: [string, () => unknown][] = [
      ["slack URL", () => buildChannels({ ...settings(`not a url ${SLACK_PATH}`, base, base, 1) })],
      ["telegram base", () => buildChannels({ ...settings(base + SLACK_PATH, `ftp://${TG_TOKEN}@x`, base, 1) })],
      ["telegram token", () => buildChannels({ ...settings(base + SLACK_PATH, base, base, 1), telegram: { enabled: true, bot_token: `${TG_TOKEN}/x`, chat_id: "1" } })],
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
