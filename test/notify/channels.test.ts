// Each channel against a real local receiver: what arrives on the wire.
import { createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Dispatcher } from "../../src/notify/dispatcher.js";
import type { Delivery } from "../../src/notify/types.js";
import { renderMessage } from "../../src/notify/message.js";
import { SlackChannel } from "../../src/notify/channels/slack.js";
import { TelegramChannel } from "../../src/notify/channels/telegram.js";
import { WebhookChannel } from "../../src/notify/channels/webhook.js";
import { EmailChannel } from "../../src/notify/channels/email.js";
import { DeliveryError } from "../../src/notify/delivery-error.js";
import {
  SmtpReceiver,
  hasValidSignature,
  parseMail,
  startSlackReceiver,
  startTelegramReceiver,
  startWebhookReceiver,
} from "../support/fake-receivers.js";
import { notification } from "./fixtures.js";

const open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map(async (r) => r.close()));
});
const track = <T extends { close(): Promise<void> | void }>(r: T): T => (open.push(r), r);
const signal = () => AbortSignal.timeout(5_000);

const kill = renderMessage(
  notification({
    alert: {
      id: "a-42",
      trigger: "kill_switch_activation",
      severity: "critical",
      value: null,
      threshold: null,
      message: "kill switch: drawdown <limit> & panic",
    },
    health: { level: "CRITICAL", reasons: ["kill switch active"] },
  }),
);

describe("Slack channel", () => {
  it("POSTs {text, blocks} as JSON to the incoming-webhook URL", async () => {
    const slack = track(await startSlackReceiver());
    await new SlackChannel({ webhook_url: slack.url("/services/T000/B000/XXXXXXXXXXXX") }).send(kill, signal());
    const [req] = await slack.waitForRequests(1);
    expect(req!.method).toBe("POST");
    expect(req!.path).toBe("/services/T000/B000/XXXXXXXXXXXX");
    expect(req!.headers["content-type"]).toMatch(/^application\/json/);
    const body = JSON.parse(req!.body);
    expect(body.text).toBe("[CRITICAL] kill_switch_activation on bot alpha");
    expect(body.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "[CRITICAL] kill_switch_activation on bot alpha", emoji: false },
    });
    expect(JSON.stringify(body.blocks)).toContain("drawdown &lt;limit&gt; &amp; panic");
  });

  it("turns Slack's error answer into a DeliveryError naming the status and Slack's reason", async () => {
    const slack = track(await startSlackReceiver());
    slack.replyNext({ status: 404, body: "no_service" });
    const err = await new SlackChannel({ webhook_url: slack.url("/services/T/B/secret") }).send(kill, signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).message).toBe("HTTP 404 from slack: no_service");
    expect((err as DeliveryError).retryable).toBe(false);
  });
});

describe("Telegram channel", () => {
  it("POSTs sendMessage with chat_id, HTML parse mode, escaped text and no link preview", async () => {
    const tg = track(await startTelegramReceiver());
    const channel = new TelegramChannel({ bot_token: "123456:ABC-def_ghi", chat_id: "-100200300", api_base_url: tg.url("") });
    await channel.send(kill, signal());
    const [req] = await tg.waitForRequests(1);
    expect(req!.path).toBe("/bot123456:ABC-def_ghi/sendMessage");
    const body = JSON.parse(req!.body);
    expect(body).toMatchObject({ chat_id: "-100200300", parse_mode: "HTML", disable_web_page_preview: true });
    expect(body.text).toContain("<b>[CRITICAL] kill_switch_activation on bot alpha</b>");
    expect(body.text).toContain("kill switch: drawdown &lt;limit&gt; &amp; panic");
    expect(body.text).toContain('<a href="https://monitor.example.com/">Open the dashboard</a>');
  });

  it("reads retry_after from Telegram's 429 body", async () => {
    const tg = track(await startTelegramReceiver());
    tg.replyNext({
      status: 429,
      body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 7", parameters: { retry_after: 7 } },
    });
    const channel = new TelegramChannel({ bot_token: "1:tok", chat_id: 42, api_base_url: tg.url("/") });
    const err = (await channel.send(kill, signal()).catch((e: unknown) => e)) as DeliveryError;
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.retryAfterMs).toBe(7_000);
    expect(err.message).toBe("HTTP 429 from telegram: Too Many Requests: retry after 7");
  });
});

describe("webhook channel", () => {
  it("POSTs the alert record signed like §4 with its own secret, over path and query", async () => {
    const hook = track(await startWebhookReceiver());
    const secret = "whsec-alerts-0123456789";
    await new WebhookChannel({ url: hook.url("/hooks/trading?team=ops"), secret }).send(kill, signal());
    const [req] = await hook.waitForRequests(1);
    expect(req!.path).toBe("/hooks/trading?team=ops");
    expect(hasValidSignature(req!, secret)).toBe(true);
    expect(hasValidSignature(req!, "another-secret")).toBe(false);
    expect(req!.headers["x-alert-id"]).toBe("a-42");
    const body = JSON.parse(req!.body);
    expect(body.kind).toBe("firing");
    expect(body.alert).toMatchObject({
      id: "a-42",
      bot: "alpha",
      trigger: "kill_switch_activation",
      severity: "critical",
      status: "firing",
    });
    expect(body.health).toEqual({ level: "CRITICAL", reasons: ["kill switch active"] });
  });

  it("a tampered body no longer verifies (the signature covers the exact bytes sent)", async () => {
    const hook = track(await startWebhookReceiver());
    await new WebhookChannel({ url: hook.url("/h"), secret: "s3cr3t-value" }).send(kill, signal());
    const [req] = await hook.waitForRequests(1);
    expect(hasValidSignature({ ...req!, body: req!.body.replace("alpha", "beta") }, "s3cr3t-value")).toBe(false);
  });
});

describe("email channel", () => {
  it("delivers over SMTP with AUTH: subject is the title, text and HTML bodies carry the facts", async () => {
    const smtp = track(await SmtpReceiver.start({ user: "alerts@example.com", password: "smtp-pass-123" }));
    const email = track(
      new EmailChannel({
        smtp_host: smtp.host,
        smtp_port: smtp.port,
        smtp_secure: false,
        smtp_user: "alerts@example.com",
        smtp_password: "smtp-pass-123",
        from: "trading-exporter <alerts@example.com>",
        to: ["ops@example.com", "oncall@example.com"],
      }),
    );
    await email.send(renderMessage(notification()), signal());
    const [mail] = await smtp.waitForMessages(1);
    expect(mail!.user).toBe("alerts@example.com");
    expect(mail!.from).toBe("alerts@example.com");
    expect(mail!.to).toEqual(["ops@example.com", "oncall@example.com"]);
    const parsed = parseMail(mail!.raw);
    expect(parsed.subject).toBe("[WARNING] daily_drawdown on bot alpha");
    expect(parsed.text).toContain("Value: 6.20% (threshold ≥ 5.00%)");
    expect(parsed.text).toContain("Since: 2024-05-06T14:30:00.000Z");
    expect(parsed.text).toContain("Health: DEGRADED — circuit breaker open: volatility spike");
    expect(parsed.html).toContain("<h2>[WARNING] daily_drawdown on bot alpha</h2>");
    expect(parsed.html).toContain('<a href="https://monitor.example.com/">');
  });

  it("a wrong password is a permanent SMTP failure, not retried", async () => {
    const smtp = track(await SmtpReceiver.start({ user: "u", password: "right" }));
    const email = track(
      new EmailChannel({
        smtp_host: smtp.host,
        smtp_port: smtp.port,
        smtp_secure: false,
        smtp_user: "u",
        smtp_password: "wrong",
        from: "a@x.io",
        to: ["b@x.io"],
      }),
    );
    const err = (await email.send(renderMessage(notification()), signal()).catch((e: unknown) => e)) as DeliveryError;
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.message).toMatch(/^SMTP 535 from email/);
    expect(err.retryable).toBe(false);
    expect(smtp.messages).toHaveLength(0);
  });

  it("an SMTP server that never greets is abandoned at the attempt timeout", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((sock) => void sockets.push(sock)); // accepts, never says 220
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    track({ close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), silent.close(() => resolve()))) });
    const port = (silent.address() as { port: number }).port;
    const email = track(new EmailChannel({ smtp_host: "127.0.0.1", smtp_port: port, smtp_secure: false, from: "a@x.io", to: ["b@x.io"] }));
    const deliveries: Delivery[] = [];
    const d = new Dispatcher({ channels: [email], timeoutMs: 200, attempts: 1, onDelivery: (_, del) => deliveries.push(del) });
    d.dispatch(notification());
    await d.idle();
    expect(sockets.length).toBe(1);
    expect(deliveries).toEqual([{ channel: "email", ok: false, attempts: 1, error: "timeout after 200 ms", at: expect.any(Number) }]);
  });
});
