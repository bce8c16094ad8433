// `sources.*` in the config starts the ways in with the exporter and stops them with it.
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startHarness, tempDir, type Harness } from "../support/exporter.js";

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

let h: Harness | undefined;
afterEach(async () => h?.stop());

describe("configured sources", () => {
  it("tails a JSONL file named in sources.jsonl", async () => {
    const file = join(tempDir(), "events.jsonl");
    writeFileSync(file, JSON.stringify({ type: "trade", id: "1", pnl: 5 }) + "\n");
    h = await startHarness({ sources: { jsonl: [{ bot: "from-log", path: file }] } });
    await until(() => h!.exporter.engine.hasBot("from-log"), "the first line");
    appendFileSync(file, JSON.stringify({ type: "trade", id: "2", pnl: -2 }) + "\n");
    await until(() => h!.exporter.engine.performance("from-log").trades.total === 2, "the appended line");
    expect(h.exporter.engine.performance("from-log").total_pnl).toBe(3);
  });
});
