// A restart that would have to replay from the first event, when retention already removed it (as
// after a change of the state's format or of the metrics settings), refuses to start rather than
// computing other figures (§15).
import Database from "better-sqlite3";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startHarness, tempDir } from "../support/exporter.js";

describe("restart with the journal's head pruned and no covering snapshot", () => {
  it("refuses to start, naming why", async () => {
    const dataDir = tempDir();
    const h = await startHarness({}, { dataDir });
    const now = h.clock.now();
    const res = await h.post("/api/v1/events", [
      { type: "trade", bot: "a", ts: now - 2000, id: "1", pnl: 5 },
      { type: "trade", bot: "a", ts: now - 1000, id: "2", pnl: -3 },
    ]);
    expect(res.status).toBe(200);
    await h.stop(false);

    const file = readdirSync(dataDir).find((f) => /\.(db|sqlite3?)$/.test(f))!;
    const db = new Database(join(dataDir, file));
    db.exec("DELETE FROM engine_snapshots; DELETE FROM events WHERE seq = 1;");
    db.close();
    await expect(startHarness({}, { dataDir })).rejects.toThrow(/retention removed events/);
  });
});
