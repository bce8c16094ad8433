// The Discord channel against a real local stand-in for its incoming webhook: what arrives on the
// wire for a firing and a resolved alert, a 429 whose retry_after the dispatcher waits, errors that
// never carry the webhook's token, and Discord's size limits on hostile input.
import { afterEach, describe, expect, it } from "vitest";
import { DiscordChannel, DISCORD_LIMITS, RESOLVED_COLOUR, discord, type DiscordPayload } from "../../src/notify/channels/discord.js";
import { DeliveryError } from "../../src/notify/delivery-error.js";
import { Dispatcher } from "../../src/notify/dispatcher.js";
import { renderMessage } from "../../src/notify/message.js";
import type { Delivery } from "../../src/notify/types.js";
import { type HttpReceiver, startDiscordReceiver } from "../support/fake-receivers.js";
import { T0, capturingLogger, notification } from "./fixtures.js";

const ID = "112233445566778899";
const TOKEN = "dIsCoRdT0ken-SECRET_abcdefghijklmnopqrstuvwxyz0123456789";
const HOOK_PATH = `/api/webhooks/${ID}/${TOKEN}`;

const open: { close(): Promise<void> }[] = [];
const dispatchers: Dispatcher[] = [];
afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function discordReceiver(): Promise<HttpReceiver> {
  const r = await startDiscordReceiver();
  open.push(r);
  return r;
}

const signal = () => AbortSignal.timeout(5_000);
const bodyOf = (r: { body: string }) => JSON.parse(r.body) as DiscordPayload;
const embedChars = (p: DiscordPayload) =>
  p.embeds.reduce(
    (n, e) => n + e.title.length + (e.description?.length ?? 0) + (e.fields ?? []).reduce((m, f) => m + f.name.length + f.value.length, 0),
    0,
  );

describe("Discord channel on the wire", () => {
  it("a firing alert: POST to the webhook with ?wait=true, the title as content, one embed carrying the facts", async () => {
    const hook = await discordReceiver();
    await new DiscordChannel({ webhook_url: hook.url(HOOK_PATH) }).send(renderMessage(notification()), signal());
    const [req] = await hook.waitForRequests(1);
    expect(req!.method).toBe("POST");
    expect(req!.path).toBe(`${HOOK_PATH}?wait=true`);
    expect(req!.headers["content-type"]).toMatch(/^application\/json/);
    const body = bodyOf(req!);
    expect(body.content).toBe("[WARNING] daily_drawdown on bot alpha");
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds).toHaveLength(1);
    const [embed] = body.embeds;
    expect(embed).toMatchObject({
      title: "[WARNING] daily_drawdown on bot alpha",
      url: "https://monitor.example.com/",
      color: 0xf9a825,
      timestamp: "2024-05-06T14:30:00.000Z",
    });
    expect(embed!.description).toBe("Daily drawdown reached its limit.\ndaily drawdown 6.20% reached the 5.00% limit");
    // Discord shows `\_` as `_`: the trigger id reads as written.
    expect(embed!.fields).toEqual([
      { name: "Bot", value: "alpha", inline: true },
      { name: "Trigger", value: "daily\\_drawdown", inline: true },
      { name: "Severity", value: "warning", inline: true },
      { name: "Value", value: "6.20% (threshold ≥ 5.00%)", inline: true },
      { name: "Since", value: "2024-05-06T14:30:00.000Z", inline: true },
      { name: "Health", value: "DEGRADED — circuit breaker open: volatility spike", inline: false },
    ]);
  });

  it("a resolved alert: green, the value at firing, start and resolution, stamped at the resolution", async () => {
    const hook = await discordReceiver();
    const resolvedAt = T0 + 65 * 60_000;
    const message = renderMessage(
      notification({
        kind: "resolved",
        alert: {
          trigger: "total_drawdown",
          severity: "critical",
          value: 0.23,
          threshold: 0.2,
          status: "resolved",
          resolved_at: resolvedAt,
        },
        health: { level: "HEALTHY", reasons: [] },
      }),
    );
    await new DiscordChannel({ webhook_url: hook.url(HOOK_PATH) }).send(message, signal());
    const [req] = await hook.waitForRequests(1);
    const body = bodyOf(req!);
    expect(body.content).toBe("[RESOLVED] total_drawdown on bot alpha");
    const [embed] = body.embeds;
    expect(embed).toMatchObject({
      title: "[RESOLVED] total_drawdown on bot alpha",
      color: RESOLVED_COLOUR,
      timestamp: "2024-05-06T15:35:00.000Z",
    });
    expect(embed!.description!.startsWith("Resolved: ")).toBe(true);
    const fields = Object.fromEntries(embed!.fields!.map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({
      Bot: "alpha",
      Severity: "critical",
      "Value at firing": "23.00% (threshold ≥ 20.00%)",
      Started: "2024-05-06T14:30:00.000Z",
      Health: "HEALTHY",
    });
    expect(fields.Resolved).toBe("2024-05-06T15:35:00.000Z (after 1 h 5 min)");
    // Every fact of §7, in order, and nothing else.
    expect(embed!.fields!.map((f) => f.name)).toEqual(message.content.facts.map((f) => f.label));
  });

  it("keeps a query the webhook URL already has (a thread) beside wait=true", async () => {
    const hook = await discordReceiver();
    await new DiscordChannel({ webhook_url: hook.url(`${HOOK_PATH}?thread_id=987654321`) }).send(renderMessage(notification()), signal());
    const [req] = await hook.waitForRequests(1);
    expect(req!.path).toBe(`${HOOK_PATH}?thread_id=987654321&wait=true`);
  });
});

describe("Discord rate limiting", () => {
  const limited = {
    status: 429,
    // The header is rounded up to whole seconds; the body has Discord's exact figure.
    headers: { "Retry-After": "2" },
    body: { message: "You are being rate limited.", retry_after: 1.234, global: false },
  };

  it("the dispatcher waits the body's retry_after (not the header's, not its backoff), then delivers", async () => {
    const hook = await discordReceiver();
    hook.replyNext(limited);
    const waits: number[] = [];
    const deliveries: Delivery[] = [];
    const d = new Dispatcher({
      channels: [new DiscordChannel({ webhook_url: hook.url(HOOK_PATH) })],
      backoffMs: 10,
      sleep: async (ms) => void waits.push(ms),
      onDelivery: (_, del) => deliveries.push(del),
    });
    dispatchers.push(d);
    d.dispatch(notification());
    await d.idle();
    expect(waits).toEqual([1_234]);
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests[1]!.body).toBe(hook.requests[0]!.body);
    expect(deliveries).toEqual([{ channel: "discord", ok: true, attempts: 2, error: null, at: expect.any(Number) }]);
  });

  it("with the real clock the retry arrives no sooner than retry_after", async () => {
    const hook = await discordReceiver();
    hook.replyNext({ ...limited, headers: { "Retry-After": "1" }, body: { ...limited.body, retry_after: 0.4 } });
    const deliveries: Delivery[] = [];
    const d = new Dispatcher({
      channels: [new DiscordChannel({ webhook_url: hook.url(HOOK_PATH) })],
      backoffMs: 10,
      onDelivery: (_, del) => deliveries.push(del),
    });
    dispatchers.push(d);
    d.dispatch(notification());
    await d.idle();
    const [first, second] = hook.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(390);
    expect(deliveries[0]).toMatchObject({ ok: true, attempts: 2 });
  });

  it("says when the limit is Discord's global one", async () => {
    const hook = await discordReceiver();
    hook.replyNext({ status: 429, body: { message: "You are being rate limited.", retry_after: 0.5, global: true } });
    const err = (await new DiscordChannel({ webhook_url: hook.url(HOOK_PATH) })
      .send(renderMessage(notification()), signal())
      .catch((e: unknown) => e)) as DeliveryError;
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.message).toBe("HTTP 429 from discord: You are being rate limited. (global rate limit)");
    expect(err.retryAfterMs).toBe(500);
    expect(err.retryable).toBe(true);
  });
});

describe("Discord errors never carry the webhook's token", () => {
  it("an answer echoing the URL is scrubbed; a bad token is not retried", async () => {
    const hook = await discordReceiver();
    const url = hook.url(HOOK_PATH);
    hook.replyNext({ status: 401, body: { message: `Invalid Webhook Token for ${url} (${TOKEN})`, code: 50027 } });
    const log = capturingLogger();
    const deliveries: Delivery[] = [];
    const d = new Dispatcher({
      channels: [new DiscordChannel({ webhook_url: url })],
      logger: log,
      onDelivery: (_, del) => deliveries.push(del),
    });
    dispatchers.push(d);
    d.dispatch(notification());
    await d.idle();
    expect(hook.requests).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ ok: false, attempts: 1 });
    expect(deliveries[0]!.error).toBe("HTTP 401 from discord: Invalid Webhook Token for [redacted] ([redacted]) (code 50027)");
    for (const text of [deliveries[0]!.error!, log.dump()]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(ID);
      expect(text).not.toContain("SECRET");
    }
  });

  it("a receiver that is down gives an error without the URL", async () => {
    const hook = await discordReceiver();
    const url = hook.url(HOOK_PATH);
    await hook.close();
    open.splice(open.indexOf(hook), 1);
    const err = (await new DiscordChannel({ webhook_url: url })
      .send(renderMessage(notification()), signal())
      .catch((e: unknown) => e)) as DeliveryError;
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.message).toBe("connection refused (discord)");
  });

  it("a URL that is not http(s) is refused at construction, without echoing it", () => {
    expect(() => new DiscordChannel({ webhook_url: `ftp://discord.com${HOOK_PATH}` })).toThrow(
      "notifications.discord.webhook_url must be an http(s) URL",
    );
    expect(() => new DiscordChannel({ webhook_url: TOKEN })).toThrow(/^notifications\.discord\.webhook_url is not a valid URL$/);
  });
});

describe("Discord rendering within Discord's limits", () => {
  it("hostile event text cannot mention, link or format, and is clipped so the message stays within every limit", () => {
    const reason = `@everyone <@&123> **free** [money](https://evil.example) ${"x".repeat(20_000)}`;
    const payload = discord.render(
      renderMessage(
        notification({
          alert: { message: reason, acknowledged_at: T0, acknowledged_by: "z".repeat(5_000) },
          health: { level: "CRITICAL", reasons: Array(40).fill("y".repeat(200)) },
        }),
      ),
    );
    expect(payload.allowed_mentions).toEqual({ parse: [] });
    const [embed] = payload.embeds;
    expect(embed!.description).toContain("@everyone \\<@&123> \\*\\*free\\*\\* \\[money\\](https://evil.example)");
    expect(payload.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    expect(embed!.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
    expect(embed!.description!.length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
    expect(embed!.fields!.length).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
    for (const f of embed!.fields!) {
      expect(f.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
      expect(f.value.length).toBeGreaterThan(0);
      expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
    }
    // Description, health and acknowledgement each at their own limit would be 6144 characters.
    expect(embedChars(payload)).toBe(DISCORD_LIMITS.total);
    // The short facts survive whole; the long texts carry the cut mark.
    expect(embed!.fields!.find((f) => f.name === "Bot")!.value).toBe("alpha");
    expect(embed!.description!.endsWith("…")).toBe(true);
  });

  it("a line opening with a heading, list or quote marker is shown as text", () => {
    const payload = discord.render(renderMessage(notification({ alert: { message: "# big\n- item\n> quote" } })));
    expect(payload.embeds[0]!.description).toContain("\n\\# big\n\\- item\n\\> quote");
  });

  it("a message without a dashboard link has no url; a test message is grey", () => {
    const payload = discord.render(renderMessage(notification({ kind: "test", external_url: null })));
    expect(payload.embeds[0]!.url).toBeUndefined();
    expect(payload.embeds[0]!.color).toBe(0x546e7a);
  });
});
