import { appendFileSync, mkdtempSync, renameSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import { JsonlSource, type JsonlSourceDeps } from "../../src/sources/jsonl.js";
import { CapturingLogger, closeReferenceSinks, createReferenceSink, tradeFigures, type ReferenceSink } from "./reference-sink.js";

const T0 = Date.UTC(2024, 0, 1);
let dir: string;
let file: string;
let clock: ManualClock;
let logger: CapturingLogger;
const sources: JsonlSource[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jsonl-source-"));
  file = join(dir, "events.jsonl");
  clock = new ManualClock(Date.UTC(2024, 0, 10));
  logger = new CapturingLogger();
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
  await closeReferenceSinks();
  rmSync(dir, { recursive: true, force: true });
});

function source(sink: ReferenceSink, deps: Partial<JsonlSourceDeps> = {}): JsonlSource {
  const s = new JsonlSource({ bot: "tail", path: file }, { sink, state: sink.state, logger, clock, ...deps });
  sources.push(s);
  return s;
}

const trade = (i: number, extra: Record<string, unknown> = {}) => ({
  type: "trade",
  id: `t${i}`,
  pnl: ((i * 37) % 11) - 5,
  ts: T0 + i * 60_000,
  ...extra,
});
const lines = (events: object[]) => events.map((e) => JSON.stringify(e) + "\n").join("");
const ids = (sink: ReferenceSink) => sink.trades().map((t) => (t as { id: string }).id);

describe("JsonlSource", () => {
  it("reads lines, follows appends, fills the configured bot, keeps a line's own bot", async () => {
    writeFileSync(file, lines([trade(1), trade(2, { bot: "other" }), { type: "equity", equity: 1234.5, ts: T0 }]));
    const sink = await createReferenceSink(clock);
    const s = source(sink);
    await s.readNow();
    expect(sink.applied.map((e) => [e.type, e.bot])).toEqual([
      ["trade", "tail"],
      ["trade", "other"],
      ["equity", "tail"],
    ]);
    appendFileSync(file, lines([trade(3), trade(4)]));
    await s.readNow();
    expect(ids(sink)).toEqual(["t1", "t2", "t3", "t4"]);
    expect(s.status()).toMatchObject({ ok: true, offset: statSync(file).size, line: 5, bad_lines: 0 });
  });

  it("waits for the newline of a partial last line", async () => {
    const full = JSON.stringify(trade(2));
    writeFileSync(file, lines([trade(1)]) + full.slice(0, 20));
    const sink = await createReferenceSink(clock);
    const s = source(sink);
    await s.readNow();
    expect(ids(sink)).toEqual(["t1"]);
    expect(s.status().offset).toBe(lines([trade(1)]).length);
    appendFileSync(file, full.slice(20));
    await s.readNow();
    expect(ids(sink)).toEqual(["t1"]);
    appendFileSync(file, "\n");
    await s.readNow();
    expect(ids(sink)).toEqual(["t1", "t2"]);
    expect(s.status().bad_lines).toBe(0);
  });

  it("counts and logs bad lines with their line number, skips them, and goes on", async () => {
    writeFileSync(file, lines([trade(1)]) + "{not json\n" + lines([{ type: "trade", id: "no-pnl" }]) + "[1,2]\n\n" + lines([trade(5)]));
    const sink = await createReferenceSink(clock);
    const s = source(sink);
    await s.readNow();
    await s.readNow();
    expect(ids(sink)).toEqual(["t1", "t5"]);
    expect(s.status().bad_lines).toBe(3);
    const warned = logger.lines.filter((l) => l.level === "warn").map((l) => (l.obj as { line: number }).line);
    expect(warned).toEqual([2, 3, 4]);
    expect(logger.lines.find((l) => (l.obj as { line?: number }).line === 3)?.msg).toMatch(/line 3 .*pnl/);
  });

  it("skips an oversized line without buffering it", async () => {
    writeFileSync(file, lines([trade(1)]) + JSON.stringify({ type: "heartbeat", pad: "x".repeat(5000) }) + "\n" + lines([trade(3)]));
    const sink = await createReferenceSink(clock);
    const s = source(sink, { maxLineBytes: 1000 });
    await s.readNow();
    expect(ids(sink)).toEqual(["t1", "t3"]);
    expect(s.status().bad_lines).toBe(1);
  });

  it("starts over when the file is truncated (shorter, or rewritten past the old offset)", async () => {
    writeFileSync(file, lines([trade(1), trade(2), trade(3)]));
    const sink = await createReferenceSink(clock);
    const s = source(sink);
    await s.readNow();
    truncateSync(file, 0);
    appendFileSync(file, lines([trade(4)]));
    await s.readNow();
    expect(ids(sink)).toEqual(["t1", "t2", "t3", "t4"]);
    // copytruncate then a burst of writes: bigger than before, but the first bytes changed
    writeFileSync(file, lines([trade(10), trade(11), trade(12), trade(13)]));
    await s.readNow();
    expect(ids(sink)).toEqual(["t1", "t2", "t3", "t4", "t10", "t11", "t12", "t13"]);
  });

  it("follows rotation: finishes the renamed file, then reads the new one from 0", async () => {
    writeFileSync(file, lines([trade(1), trade(2)]));
    const sink = await createReferenceSink(clock);
    const s = source(sink);
    await s.readNow();
    renameSync(file, file + ".1");
    appendFileSync(file + ".1", lines([trade(3)])); // the writer still had the old file open
    await s.readNow(); // no new file yet
    writeFileSync(file, lines([trade(4), trade(5)]));
    await s.readNow();
    expect(ids(sink)).toEqual(["t1", "t2", "t3", "t4", "t5"]);
    expect(s.status()).toMatchObject({ line: 2, offset: statSync(file).size });
  });

  it("resumes after a restart exactly once and ends with the figures of a direct import", async () => {
    const all = Array.from({ length: 40 }, (_, i) => trade(i + 1));
    writeFileSync(file, lines(all.slice(0, 25)));
    const sink = await createReferenceSink(clock);
    const first = source(sink, { batchLines: 10 });
    const real = sink.ingestWithState.bind(sink);
    let calls = 0;
    sink.ingestWithState = async (events, state) => {
      if (++calls === 3) throw new Error("simulated crash while storing lines 21-25");
      return real(events, state);
    };
    await first.readNow();
    expect(ids(sink)).toHaveLength(20);
    expect(first.status()).toMatchObject({ ok: false, line: 20 });
    await first.stop();
    sink.ingestWithState = real;

    appendFileSync(file, lines(all.slice(25)));
    const second = source(sink, { batchLines: 10 });
    await second.readNow();
    expect(ids(sink)).toEqual(all.map((t) => t.id));
    expect(sink.duplicates).toBe(0);
    expect(sink.batches.flat()).toHaveLength(40); // nothing re-sent: it resumed at line 20

    const direct = await createReferenceSink(clock);
    await direct.ingest(all.map((t) => ({ ...t, bot: "tail" })));
    expect(sink.trades()).toEqual(direct.trades());
    expect(tradeFigures(sink.engine.performance("tail"))).toEqual(tradeFigures(direct.engine.performance("tail")));
  });

  it("reads a file replaced while the exporter was stopped from its start", async () => {
    writeFileSync(file, lines([trade(1), trade(2)]));
    const sink = await createReferenceSink(clock);
    const first = source(sink);
    await first.readNow();
    await first.stop();
    unlinkSync(file);
    writeFileSync(file, lines([trade(7), trade(8), trade(9)]));
    await source(sink).readNow();
    expect(ids(sink)).toEqual(["t1", "t2", "t7", "t8", "t9"]);
  });

  it("picks up appends by itself once started (fs.watch or polling)", async () => {
    writeFileSync(file, lines([trade(1)]));
    const sink = await createReferenceSink(clock);
    const s = source(sink, { pollIntervalMs: 20 });
    s.start();
    const until = async (n: number) => {
      for (let i = 0; i < 500 && sink.trades().length < n; i++) await new Promise((r) => setTimeout(r, 10));
    };
    await until(1);
    appendFileSync(file, lines([trade(2), trade(3)]));
    await until(3);
    await s.stop();
    expect(ids(sink)).toEqual(["t1", "t2", "t3"]);
  });
});
