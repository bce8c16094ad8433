// §4: with a read token configured, /ws needs `Authorization: Bearer <token>` or `?token=`;
// without one the upgrade is answered 401 and no WebSocket is created.
import { afterEach, describe, expect, it } from "vitest";
import { type HubFixture, TestClient, rawUpgrade, startHub } from "./harness.js";

const TOKEN = "read-token-Zq81";
let fx: HubFixture;
afterEach(() => fx?.close());

describe("read token on /ws", () => {
  it("refuses an upgrade without a token, or with a wrong one, with 401 problem+json", async () => {
    fx = await startHub({ readToken: TOKEN });
    const none = await rawUpgrade(fx.url);
    expect(none.status).toBe(401);
    expect(none.type).toBe("application/problem+json");
    expect(none.auth).toMatch(/^Bearer/);
    expect(JSON.parse(none.body)).toMatchObject({ status: 401, title: "Unauthorized" });
    expect(none.body).not.toContain(TOKEN);
    expect((await rawUpgrade(`${fx.url}?token=wrong`)).status).toBe(401);
    expect((await rawUpgrade(fx.url, { Authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await rawUpgrade(fx.url, { Authorization: `Basic ${TOKEN}` })).status).toBe(401);
    await expect(TestClient.open(fx.url)).rejects.toThrow("HTTP 401");
    expect(fx.hub.clients()).toBe(0);
  });

  it("accepts the token as a Bearer header", async () => {
    fx = await startHub({ readToken: TOKEN });
    const c = await fx.connect("", { headers: { Authorization: `Bearer ${TOKEN}` } });
    await c.count(6);
    expect(fx.hub.clients()).toBe(1);
  });

  it("accepts the token as ?token= (what a browser can send)", async () => {
    fx = await startHub({ readToken: TOKEN });
    const c = await fx.connect(`?token=${TOKEN}&bots=alpha`);
    await c.count(3);
    expect(new Set(c.messages.map((m) => m.bot))).toEqual(new Set(["alpha"]));
  });

  it("needs nothing when no token is configured", async () => {
    fx = await startHub();
    expect((await rawUpgrade(fx.url)).status).toBe(101);
  });

  it("rejects an invalid subscription in the upgrade query with 400", async () => {
    fx = await startHub();
    const r = await rawUpgrade(`${fx.url}?types=gossip`);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).detail).toContain("types");
  });
});
