// §10: what a start writes after replaying the journal's tail. A tail shorter than the snapshot
// interval is not written before the start is done (it counts towards the next snapshot, so no start
// replays more than about one interval); a longer replay, as after a settings change, is written at once.
import { afterEach, describe, expect, it } from "vitest";
import { startHarness, tempDir, type Harness } from "../support/exporter.js";

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.exporter.close().catch(() => {});
});

async function start(dataDir: string, snapshotEvery: number): Promise<Harness> {
  const h = await startHarness({}, { dataDir, snapshotEvery });
  open.push(h);
  return h;
}

const trades = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ type: "trade", bot: "s", id: `t${from + i}`, pnl: (from + i) % 3 === 0 ? -2 : 3 }));

const snapshotSeqs = (h: Harness) => h.exporter.journal.snapshots().map((s) => s.seq);

describe("the snapshot after a start's replay", () => {
  it("is not written for a tail shorter than the interval, which counts towards the next one", async () => {
    const dataDir = tempDir();
    const first = await start(dataDir, 10);
    expect((await first.post("/api/v1/events", trades(0, 25))).status).toBe(200);
    expect((await first.post("/api/v1/events", trades(25, 4))).status).toBe(200);
    expect(snapshotSeqs(first)).toEqual([25]);
    const before = first.exporter.engine.performance("s");
    // A crash: the first instance is abandoned without its final snapshot.

    const second = await start(dataDir, 10);
    expect(second.exporter.engine.performance("s")).toEqual(before);
    expect(snapshotSeqs(second)).toEqual([25]);
    // 4 replayed + 5 new stay under the interval; the 6th new event completes it.
    expect((await second.post("/api/v1/events", trades(29, 5))).status).toBe(200);
    expect(snapshotSeqs(second)).toEqual([25]);
    expect((await second.post("/api/v1/events", trades(34, 1))).status).toBe(200);
    expect(snapshotSeqs(second)).toEqual([35, 25]);
  });

  it("is written at once when the replay is as long as the interval or longer", async () => {
    const dataDir = tempDir();
    const first = await start(dataDir, 1_000_000);
    expect((await first.post("/api/v1/events", trades(0, 30))).status).toBe(200);
    expect(snapshotSeqs(first)).toEqual([]);
    const before = first.exporter.engine.performance("s");

    const second = await start(dataDir, 10);
    expect(second.exporter.engine.performance("s")).toEqual(before);
    expect(snapshotSeqs(second)).toEqual([30]);
  });
});
