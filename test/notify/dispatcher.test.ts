// The dispatcher against real local receivers: retries, Retry-After, timeouts, isolation between
// channels, and that dispatch() never makes the caller wait.
import { afterEach, describe, expect, it } from "vitest";
import { Dispatcher, type DispatcherOptions } from "../../src/notify/dispatcher.js";
import { SlackChannel } from "../../src/notify/channels/slack.js";
import { TelegramChannel } from "../../src/notify/channels/telegram.js";
import { WebhookChannel } from "../../src/notify/channels/webhook.js";
import type { Delivery } from "../../src/notify/types.js";
import { ManualClock } from "../../src/domain/clock.js";
import { type HttpReceiver, startSlackReceiver, startTelegramReceiver, startWebhookReceiver } from "../support/fake-receivers.js";
import { T0, notification } from "./fixtures.js";

const open: { close(): Promise<void> }[] = [];
const dispatchers: Dispatcher[] = [];
afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function receiver(start: () => Promise<HttpReceiver>): Promise<HttpReceiver> {
  const r = await start();
  open.push(r);
  return r;
}

function dispatcher(opts: DispatcherOptions & { deliveries?: [string, Delivery][] }): Dispatcher {
  const d = new Dispatcher({ onDelivery: (id, del) => opts.deliveries?.push([id, del]), ...opts });
  dispatchers.push(d);
  return d;
}

describe("Dispatcher retries", () => {
  it("a channel answering 500 twice then 200 is retried and delivered on the third attempt", async () => {
    const slack = await receiver(startSlackReceiver);
    slack.replyNext({ status: 500 }, { status: 500 });
    const deliveries: [string, Delivery][] = [];
    const d = dispatcher({ channels: [new SlackChannel({ webhook_url: slack.url("/services/x") })], backoffMs: 20, deliveries });
    d.dispatch(notification());
    await d.idle();
    expect(slack.requests).toHaveLength(3);
    expect(deliveries).toEqual([["a-1", { channel: "slack", ok: true, attempts: 3, error: null, at: expect.any(Number) }]]);
  });

  it("after the final attempt the failure is recorded with the last error", async () => {
    const slack = await receiver(startSlackReceiver);
    slack.replyNext({ status: 500 }, { status: 502 }, { status: 503 });
    const deliveries: [string, Delivery][] = [];
    const d = dispatcher({ channels: [new SlackChannel({ webhook_url: slack.url("/s") })], backoffMs: 5, deliveries });
    d.dispatch(notification());
    await d.idle();
    expect(deliveries).toEqual([
      ["a-1", { channel: "slack", ok: false, attempts: 3, error: "HTTP 503 from slack", at: expect.any(Number) }],
    ]);
  });

  it("backs off exponentially (1 s, 2 s, 4 s … capped) between attempts", async () => {
    const slack = await receiver(startSlackReceiver);
    slack.replyNext(...Array.from({ length: 5 }, () => ({ status: 500 })));
    const waits: number[] = [];
    const d = dispatcher({
      channels: [new SlackChannel({ webhook_url: slack.url("/s") })],
      attempts: 5,
      maxBackoffMs: 5_000,
      sleep: async (ms) => void waits.push(ms),
    });
    d.dispatch(notification());
    await d.idle();
    expect(slack.requests).toHaveLength(5);
    expect(waits).toEqual([1_000, 2_000, 4_000, 5_000]);
  });

  it("does not retry what retrying cannot fix (HTTP 400)", async () => {
    const slack = await receiver(startSlackReceiver);
    slack.replyNext({ status: 400, body: "invalid_payload" });
    const deliveries: [string, Delivery][] = [];
    const d = dispatcher({ channels: [new SlackChannel({ webhook_url: slack.url("/s") })], backoffMs: 5, deliveries });
    d.dispatch(notification());
    await d.idle();
    expect(slack.requests).toHaveLength(1);
    expect(deliveries[0]![1]).toMatchObject({ ok: false, attempts: 1, error: "HTTP 400 from slack: invalid_payload" });
  });
});

describe("Dispatcher honours the receiver's rate limiting", () => {
  it("waits Retry-After: 1 (seconds) instead of the short backoff", async () => {
    const slack = await receiver(startSlackReceiver);
    slack.replyNext({ status: 429, headers: { "Retry-After": "1" }, body: "rate_limited" });
    const deliveries: [string, Delivery][] = [];
    const d = dispatcher({ channels: [new SlackChannel({ webhook_url: slack.url("/s") })], backoffMs: 10, deliveries });
    d.dispatch(notification());
    await d.idle();
    const [first, second] = slack.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990);
    expect(deliveries[0]![1]).toMatchObject({ ok: true, attempts: 2 });
  });

  it("reads Retry-After given as an HTTP date against the clock", async () => {
    const slack = await receiver(startSlackReceiver);
    const clock = new ManualClock(T0);
    slack.replyNext({ status: 429, headers: { "Retry-After": new Date(T0 + 30_000).toUTCString() } });
    const waits: number[] = [];
    const d = dispatcher({
      channels: [new SlackChannel({ webhook_url: slack.url("/s") }, clock)],
      clock,
      sleep: async (ms) => void waits.push(ms),
    });
    d.dispatch(notification());
    await d.idle();
    expect(waits).toEqual([30_000]);
  });

  it("waits Telegram's retry_after from a 429 body", async () => {
    const tg = await receiver(startTelegramReceiver);
    tg.replyNext({
      status: 429,
      body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } },
    });
    const deliveries: [string, Delivery][] = [];
    // minIntervalMs 0: the gap measured here must come from retry_after, not from the chat rate gate.
    const channel = new TelegramChannel({ bot_token: "1:t", chat_id: "7", api_base_url: tg.url("") }, undefined, { minIntervalMs: 0 });
    const d = dispatcher({ channels: [channel], backoffMs: 10, deliveries });
    d.dispatch(notification());
    await d.idle();
    const [first, second] = tg.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990);
    expect(deliveries[0]![1]).toMatchObject({ ok: true, attempts: 2 });
  });

  it("gives up rather than retry earlier than a receiver asking for more than maxRetryAfterMs", async () => {
    const tg = await receiver(startTelegramReceiver);
    tg.replyNext({
      status: 429,
      body: { ok: false, error_code: 429, description: "Too Many Requests", parameters: { retry_after: 3600 } },
    });
    const deliveries: [string, Delivery][] = [];
    const d = dispatcher({ channels: [new TelegramChannel({ bot_token: "1:t", chat_id: "7", api_base_url: tg.url("") })], deliveries });
    d.dispatch(notification());
    await d.idle();
    expect(tg.requests).toHaveLength(1);
    expect(deliveries[0]![1]).toMatchObject({ ok: false, attempts: 1 });
    expect(deliveries[0]![1].error).toContain("retry after 3600 s, more than the 60 s limit");
  });

  it("spaces 3 messages to one Telegram chat at least 1 s apart", async () => {
    const tg = await receiver(startTelegramReceiver);
    const d = dispatcher({ channels: [new TelegramChannel({ bot_token: "1:t", chat_id: "7", api_base_url: tg.url("") })] });
    for (const id of ["a-1", "a-2", "a-3"]) d.dispatch(notification({ alert: { id } }));
    await d.idle();
    const at = tg.requests.map((r) => r.at);
    expect(at).toHaveLength(3);
    // 990: the gate spaces sends by ≥ 1000 ms of Date.now(); allow for ms rounding and arrival jitter.
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(990);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(990);
  });
});

describe("Dispatcher isolates channels and never blocks the caller", () => {
  it("a hanging channel times out and is recorded failed while another channel delivers meanwhile", async () => {
    const hook = await receiver(startWebhookReceiver);
    const slack = await receiver(startSlackReceiver);
    hook.replyNext("hang", "hang");
    const deliveries: [string, Delivery][] = [];
    const d = dispatcher({
      channels: [new WebhookChannel({ url: hook.url("/h"), secret: "s" }), new SlackChannel({ webhook_url: slack.url("/s") })],
      timeoutMs: 300,
      attempts: 2,
      backoffMs: 10,
      deliveries,
    });
    d.dispatch(notification());
    await slack.waitForRequests(1);
    // Slack is done while the webhook's first attempt is still hanging.
    expect(hook.requests).toHaveLength(1);
    await d.idle();
    expect(hook.requests).toHaveLength(2);
    expect(deliveries.map(([, del]) => del)).toEqual([
      { channel: "slack", ok: true, attempts: 1, error: null, at: expect.any(Number) },
      { channel: "webhook", ok: false, attempts: 2, error: "timeout after 300 ms", at: expect.any(Number) },
    ]);
  });

  it("dispatch() returns at once while a receiver hangs: it only queues, the channel sends on a later tick", async () => {
    const hook = await receiver(startWebhookReceiver);
    hook.replyNext(...Array.from({ length: 12 }, () => "hang" as const));
    const channel = new WebhookChannel({ url: hook.url("/h"), secret: "s" });
    // Record whether the channel is ever asked to send while dispatch() is still on the stack.
    let inDispatch = false;
    let sentInsideDispatch = 0;
    const send = channel.send.bind(channel);
    channel.send = (...args: Parameters<typeof send>) => {
      if (inDispatch) sentInsideDispatch++;
      return send(...args);
    };
    const d = dispatcher({ channels: [channel], timeoutMs: 2_000, attempts: 1 });
    inDispatch = true;
    d.dispatch(notification({ alert: { id: "warm-up" } })); // an idle queue, too, starts sending later
    inDispatch = false;
    await hook.waitForRequests(1); // the channel is now stuck on a hanging request
    for (let i = 0; i < 10; i++) {
      inDispatch = true;
      expect(d.dispatch(notification({ alert: { id: `a-${i}` } }))).toBeUndefined();
      inDispatch = false;
    }
    expect(sentInsideDispatch).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(hook.requests).toHaveLength(1); // nothing else was sent: they wait in the queue
  });

  it("works each channel's queue in FIFO order, one message at a time", async () => {
    const hook = await receiver(startWebhookReceiver);
    hook.replyNext("hang");
    const deliveries: [string, Delivery][] = [];
    const d = dispatcher({ channels: [new WebhookChannel({ url: hook.url("/h"), secret: "s" })], timeoutMs: 300, attempts: 1, deliveries });
    for (const id of ["a-1", "a-2", "a-3"]) d.dispatch(notification({ alert: { id } }));
    await hook.waitForRequests(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(hook.requests).toHaveLength(1); // a-2 waits for a-1 to finish (here: time out)
    await d.idle();
    expect(hook.requests.map((r) => r.headers["x-alert-id"])).toEqual(["a-1", "a-2", "a-3"]);
    expect(deliveries.map(([id, del]) => [id, del.ok])).toEqual([
      ["a-1", false],
      ["a-2", true],
      ["a-3", true],
    ]);
  });

  it("calls onDelivery once per channel per notification", async () => {
    const hook = await receiver(startWebhookReceiver);
    const slack = await receiver(startSlackReceiver);
    const tg = await receiver(startTelegramReceiver);
    const deliveries: [string, Delivery][] = [];
    const d = dispatcher({
      channels: [
        new WebhookChannel({ url: hook.url("/h"), secret: "s" }),
        new SlackChannel({ webhook_url: slack.url("/s") }),
        new TelegramChannel({ bot_token: "1:t", chat_id: "7", api_base_url: tg.url("") }, undefined, { minIntervalMs: 0 }),
      ],
      deliveries,
    });
    d.dispatch(notification({ alert: { id: "a-1" } }));
    d.dispatch(notification({ alert: { id: "a-2" }, kind: "reminder" }));
    await d.idle();
    const seen = deliveries.map(([id, del]) => `${id}/${del.channel}/${del.ok}`).sort();
    expect(seen).toEqual([
      "a-1/slack/true",
      "a-1/telegram/true",
      "a-1/webhook/true",
      "a-2/slack/true",
      "a-2/telegram/true",
      "a-2/webhook/true",
    ]);
  });
});
