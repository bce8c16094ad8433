// Digests on a hand-moved clock through the real exporter (§19): exactly one per period, also over
// restarts; one missed while the exporter was down goes out at start within digests.catch_up_hours,
// and not after; the period's trades are those closed in it. Delivered to a real local webhook.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasValidSignature, startWebhookReceiver, type HttpReceiver } from "../support/fake-receivers.js";
import { startHarness, tempDir, type Harness } from "../support/exporter.js";

const SECRET = "digest-webhook-secret-0123456789";
const T = (iso: string) => Date.parse(iso);
interface DigestBody {
  kind: string;
  digest: {
    id: string;
    test: boolean;
    period: { key: string; from: string; to: string };
    bots: Array<{ bot: string; pnl: number; trades: number; wins: number; losses: number; equity: number }>;
    groups: Array<{ group: string; pnl: number; trades: number }>;
    fired_count: Record<string, number>;
  };
}

let hook: HttpReceiver;
beforeAll(async () => {
  hook = await startWebhookReceiver();
});
afterAll(() => hook.close());

const config = () => ({
  metrics: { timezone: "Europe/Berlin" },
  groups: { fleet: ["alpha", "bravo"] },
  digests: { daily: { enabled: true, at: "08:00" }, catch_up_hours: 6 },
  notifications: { enabled: true, webhook: { enabled: true, url: hook.url("/digest"), secret: SECRET } },
});

const digests = () => hook.requests.map((r) => JSON.parse(r.body) as DigestBody).filter((b) => b.kind === "digest");

describe("digest schedule through the exporter", () => {
  it("sends one digest per period, over restarts, catches up within the window and not after", async () => {
    const dataDir = tempDir();
    // 07:00 in Berlin (UTC+1) on 5 Jan 2026: the first start with digests on sends nothing.
    let h: Harness = await startHarness(config(), { dataDir, now: T("2026-01-05T06:00:00Z") });
    let running = true;
    const restart = async (now: string) => {
      await h.stop(false); // a graceful stop: queued deliveries go out first
      h = await startHarness(config(), { dataDir, now: T(now) });
    };
    try {
      expect(h.exporter.digests.records()).toEqual([]);
      const res = await h.post("/api/v1/events", [
        { type: "trade", bot: "alpha", ts: T("2026-01-04T08:00:00Z"), id: "a1", pnl: 100 },
        { type: "trade", bot: "alpha", ts: T("2026-01-05T05:00:00Z"), id: "a2", pnl: -30 },
        { type: "trade", bot: "bravo", ts: T("2026-01-05T05:30:00Z"), id: "b1", pnl: 12.5 },
        // Before the period (closed before the 4 Jan 08:00 send): not counted.
        { type: "trade", bot: "bravo", ts: T("2026-01-04T06:00:00Z"), id: "b0", pnl: 1000 },
      ]);
      expect(res.status, res.text).toBe(200);

      // 08:00:05 local: the 5 Jan digest goes out, once however often the schedule is checked.
      h.clock.set(T("2026-01-05T07:00:05Z"));
      h.exporter.digests.tick();
      h.exporter.digests.tick();
      await hook.waitForRequests(1);
      const [first] = digests();
      expect(hasValidSignature(hook.requests[0]!, SECRET)).toBe(true);
      expect(first!.digest).toMatchObject({
        id: "digest:daily:2026-01-05",
        test: false,
        period: { key: "2026-01-05", from: "2026-01-04T07:00:00.000Z", to: "2026-01-05T07:00:00.000Z" },
      });
      const alpha = first!.digest.bots.find((b) => b.bot === "alpha")!;
      expect(alpha).toMatchObject({ pnl: 70, trades: 2, wins: 1, losses: 1, equity: 10_070 });
      expect(first!.digest.bots.find((b) => b.bot === "bravo")).toMatchObject({ pnl: 12.5, trades: 1 });
      expect(first!.digest.groups).toEqual([expect.objectContaining({ group: "fleet", pnl: 82.5, trades: 3 })]);

      // A restart an hour later: the period is known as sent.
      await restart("2026-01-05T08:00:00Z");
      h.exporter.digests.tick();
      expect(h.exporter.digests.records().map((r) => r.period)).toEqual(["2026-01-05"]);
      expect(h.exporter.digests.records()[0]!.deliveries).toEqual([expect.objectContaining({ channel: "webhook", ok: true })]);

      // Down over the next send (6 Jan 08:00 local), up again 2 h later: sent at start.
      await restart("2026-01-06T09:00:00Z");
      await hook.waitForRequests(2);
      expect(digests().map((d) => d.digest.period.key)).toEqual(["2026-01-05", "2026-01-06"]);

      // Down over the 7 Jan send and up 7.5 h after it (more than 6): not sent.
      await restart("2026-01-07T14:30:00Z");
      h.exporter.digests.tick();
      expect(h.exporter.digests.records().map((r) => r.period)).toEqual(["2026-01-06", "2026-01-05"]);
      // The 8 Jan one goes out on time and covers the day since the 7 Jan send that was skipped.
      h.clock.set(T("2026-01-08T07:00:00Z"));
      h.exporter.digests.tick();
      await hook.waitForRequests(3);
      const last = digests()[2]!;
      expect(last.digest.period).toEqual({
        kind: "daily",
        key: "2026-01-08",
        from: "2026-01-07T07:00:00.000Z",
        to: "2026-01-08T07:00:00.000Z",
      });
      await h.stop(false);
      running = false;
      // Nothing else was ever sent: one webhook call per digest.
      expect(digests().map((d) => d.digest.period.key)).toEqual(["2026-01-05", "2026-01-06", "2026-01-08"]);
      expect(hook.requests).toHaveLength(3);
    } finally {
      if (running) await h.stop(false);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
