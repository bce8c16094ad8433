// POST /api/v1/digests/test (§19): signed like every write, the body validated with problem+json
// naming the field, a channel that is not configured answered per channel, and rate limited.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSlackReceiver, type HttpReceiver } from "../support/fake-receivers.js";
import { startHarness, type Harness } from "../support/exporter.js";

let h: Harness;
let slack: HttpReceiver;
beforeAll(async () => {
  slack = await startSlackReceiver();
  h = await startHarness({
    alerts: { test_rate_limit_per_minute: 2 },
    notifications: { enabled: true, slack: { enabled: true, webhook_url: slack.url("/hook") } },
  });
  expect((await h.post("/api/v1/events", [{ type: "trade", bot: "alpha", id: "1", pnl: 5 }])).status).toBe(200);
});
afterAll(async () => {
  await h.stop();
  await slack.close();
});

describe("POST /api/v1/digests/test", () => {
  it("refuses an unsigned request", async () => {
    const res = await request(h.exporter.app).post("/api/v1/digests/test").set("Content-Type", "application/json").send("{}");
    expect(res.status).toBe(401);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(slack.requests).toHaveLength(0);
  });

  it.each([
    [{ kind: "monthly" }, "kind"],
    [{ channel: "sms" }, "channel"],
    [{ kind: "daily", extra: 1 }, "(root)"],
  ])("refuses %j with 422 naming %s, sending nothing", async (body, field) => {
    const res = await h.post("/api/v1/digests/test", body);
    expect(res.status).toBe(422);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect((res.body as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toContain(field);
    expect(slack.requests).toHaveLength(0);
  });

  it("sends on the configured channels and answers for one that is not, then limits the rate", async () => {
    const all = await h.post("/api/v1/digests/test", {});
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ results: [{ channel: "slack", ok: true }] });
    expect(JSON.parse(slack.requests[0]!.body).text).toMatch(/^\[TEST\] Daily digest · /);
    const telegram = await h.post("/api/v1/digests/test", { kind: "weekly", channel: "telegram" });
    expect(telegram.body).toEqual({ results: [{ channel: "telegram", ok: false, error: "channel not configured" }] });
    h.clock.advance(1000); // a new signature: the same one again would be refused as a replay
    const limited = await h.post("/api/v1/digests/test", {});
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(slack.requests).toHaveLength(1);
  });
});
