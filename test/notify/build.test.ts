// Channels from the notifications config, and the API's test message, against real receivers.
import { afterEach, describe, expect, it } from "vitest";
import { buildChannels, type NotificationsSettings } from "../../src/notify/build.js";
import { sendTest } from "../../src/notify/send-test.js";
import {
  SmtpReceiver,
  parseMail,
  startSlackReceiver,
  startTelegramReceiver,
  startWebhookReceiver,
  hasValidSignature,
} from "../support/fake-receivers.js";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

const disabled: NotificationsSettings = {
  enabled: true,
  slack: { enabled: false, webhook_url: null },
  email: { enabled: false },
  telegram: { enabled: false, bot_token: null, chat_id: null },
  webhook: { enabled: false, url: null, secret: null },
};

describe("buildChannels", () => {
  it("builds only the enabled channels, in a fixed order", () => {
    const cfg: NotificationsSettings = {
      ...disabled,
      webhook: { enabled: true, url: "http://127.0.0.1:9/h", secret: "s" },
      slack: { enabled: true, webhook_url: "http://127.0.0.1:9/s" },
    };
    expect(buildChannels(cfg).map((c) => c.name)).toEqual(["slack", "webhook"]);
  });

  it("builds nothing when notifications.enabled is false, whatever the channels say", () => {
    const cfg: NotificationsSettings = { ...disabled, enabled: false, slack: { enabled: true, webhook_url: "http://127.0.0.1:9/s" } };
    expect(buildChannels(cfg)).toEqual([]);
  });

  it("names the missing key of an enabled channel", () => {
    expect(() => buildChannels({ ...disabled, webhook: { enabled: true, url: "http://127.0.0.1:9/h", secret: "" } })).toThrow(
      "notifications.webhook.secret is required when the channel is enabled",
    );
    expect(() => buildChannels({ ...disabled, email: { enabled: true, smtp_host: "127.0.0.1", from: "a@x.io", to: [] } })).toThrow(
      "notifications.email.to has no recipient",
    );
  });
});

describe("sendTest", () => {
  it("sends a test message on every configured channel and reports each", async () => {
    const slack = await startSlackReceiver();
    const tg = await startTelegramReceiver();
    const hook = await startWebhookReceiver();
    const smtp = await SmtpReceiver.start();
    open.push(slack, tg, hook, smtp);
    const channels = buildChannels({
      enabled: true,
      slack: { enabled: true, webhook_url: slack.url("/services/a/b/c") },
      email: {
        enabled: true,
        smtp_host: smtp.host,
        smtp_port: smtp.port,
        smtp_secure: false,
        from: "x@example.com",
        to: ["ops@example.com"],
      },
      telegram: { enabled: true, bot_token: "1:t", chat_id: "99", api_base_url: tg.url("") },
      webhook: { enabled: true, url: hook.url("/h"), secret: "hook-secret" },
    });
    const results = await sendTest(channels, "all", { external_url: "http://localhost:10077/" });
    expect(results).toEqual([
      { channel: "slack", ok: true },
      { channel: "email", ok: true },
      { channel: "telegram", ok: true },
      { channel: "webhook", ok: true },
    ]);
    expect(JSON.parse(slack.requests[0]!.body).text).toBe("[TEST] trading-exporter test notification");
    expect(JSON.parse(tg.requests[0]!.body).text).toContain("test notification from trading-exporter");
    expect(parseMail(smtp.messages[0]!.raw).subject).toBe("[TEST] trading-exporter test notification");
    expect(hasValidSignature(hook.requests[0]!, "hook-secret")).toBe(true);
    expect(JSON.parse(hook.requests[0]!.body).kind).toBe("test");
  });

  it("targets one channel, reports a failure with its reason, and an unconfigured channel as such", async () => {
    const slack = await startSlackReceiver();
    const tg = await startTelegramReceiver();
    open.push(slack, tg);
    tg.replyNext({ status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } });
    const channels = buildChannels({
      ...disabled,
      slack: { enabled: true, webhook_url: slack.url("/s") },
      telegram: { enabled: true, bot_token: "1:bad", chat_id: "99", api_base_url: tg.url("") },
    });
    expect(await sendTest(channels, "telegram")).toEqual([
      { channel: "telegram", ok: false, error: "HTTP 401 from telegram: Unauthorized" },
    ]);
    expect(slack.requests).toHaveLength(0);
    expect(await sendTest(channels, "email")).toEqual([{ channel: "email", ok: false, error: "channel not configured" }]);
    expect(await sendTest([], "all")).toEqual([]);
  });
});
