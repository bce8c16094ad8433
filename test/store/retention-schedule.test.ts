// When retention runs (§15): at start and then every hour of the timer, stopped on close; one
// transaction at a time, waiting while an export replays the journal; and never past the older of
// the two newest usable snapshots.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import type { EventInput } from "../../src/domain/events.js";
import { Engine } from "../../src/engine/engine.js";
import { IngestPipeline } from "../../src/ingest/pipeline.js";
import { silentLogger } from "../../src/logger.js";
import { Journal } from "../../src/store/journal.js";
import { JournalReaders, RETENTION_INTERVAL_MS, Retention } from "../../src/store/retention.js";
import { tempDir } from "../support/exporter.js";
import { FIXTURE_SETTINGS } from "../export/journal-fixture.js";
import { openExporter } from "./figures.js";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 3, 1, 8);

const trades = (n: number, now: number, tag = "t"): EventInput[] =>
  Array.from({ length: n }, (_, i) => ({ type: "trade", bot: i % 2 ? "a" : "b", ts: now - n + i, id: `${tag}${i}`, pnl: (i % 5) - 2 }));

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe("retention's schedule", () => {
  it("prunes at start", async () => {
    const clock = new ManualClock(T0);
    const dataDir = tempDir("te-ret-start-");
    const keepAll = await openExporter({}, dataDir, clock);
    await keepAll.exporter.ingest(trades(50, clock.now()));
    await keepAll.close();
    clock.advance(3 * DAY);
    const pruning = await openExporter({ retention_days: 2 }, dataDir, clock);
    try {
      await until("the start's prune removed the old events", () => pruning.exporter.journal.prunedThrough() === 50);
      await until("it logged it", () => pruning.logs.some((l) => /"removed":50/.test(l) && /old raw events removed/.test(l)));
    } finally {
      await pruning.close();
    }
  });

  it("prunes again every hour of its timer, and the timer stops on close", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const clock = new ManualClock(T0);
    const r = await openExporter({ retention_days: 1 }, tempDir("te-ret-hourly-"), clock);
    const journal = r.exporter.journal;
    try {
      await r.exporter.retention!.prune(); // the start's (nothing to do yet)
      await r.exporter.ingest(trades(30, clock.now()));
      clock.advance(DAY + 1);
      vi.advanceTimersByTime(RETENTION_INTERVAL_MS - 1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(journal.prunedThrough()).toBe(0);
      vi.advanceTimersByTime(1);
      await until("the hourly prune removed the day-old events", () => journal.prunedThrough() === 30);
      await r.exporter.ingest(trades(10, clock.now(), "u"));
      clock.advance(DAY + 1);
      vi.advanceTimersByTime(RETENTION_INTERVAL_MS);
      await until("the next hour's prune removed those too", () => journal.prunedThrough() === 40);
    } finally {
      await r.close();
    }
    // Every timer the exporter set is cleared by close, the retention timer among them.
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("a prune", () => {
  function setup() {
    const clock = new ManualClock(T0);
    const journal = Journal.open(tempDir("te-ret-unit-"));
    const engine = new Engine(FIXTURE_SETTINGS, clock);
    const fingerprint = Engine.settingsFingerprint(FIXTURE_SETTINGS);
    const pipeline = new IngestPipeline({ journal, engine, clock, maxBots: 10, logger: silentLogger, fingerprint, snapshotEvery: 1e9 });
    const readers = new JournalReaders();
    const snapshots: number[] = [];
    const retention = new Retention({
      journal,
      clock,
      logger: silentLogger,
      retentionDays: 1,
      settings: FIXTURE_SETTINGS,
      readers,
      batchRows: 7,
      snapshotNow: () => {
        pipeline.snapshot({ force: true });
        snapshots.push(journal.lastSeq());
      },
    });
    return { clock, journal, pipeline, readers, retention, snapshots };
  }

  it("waits while a reader replays the journal, then removes in small transactions", async () => {
    const { clock, journal, pipeline, readers, retention } = setup();
    await pipeline.ingest(trades(40, clock.now()));
    clock.advance(2 * DAY);
    const release = readers.enter();
    const outcome = retention.prune();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(journal.prunedThrough()).toBe(0);
    release();
    expect(await outcome).toEqual({ removed: 40, prunedThrough: 40 });
    journal.close();
  });

  it("writes the current state when the snapshots would hold the cut back, and never cuts past the older one", async () => {
    const { clock, journal, pipeline, retention, snapshots } = setup();
    await pipeline.ingest(trades(10, clock.now()));
    pipeline.snapshot(); // two snapshots at 10
    pipeline.snapshot({ force: true });
    await pipeline.ingest(trades(10, clock.now(), "u"));
    clock.advance(2 * DAY);
    await pipeline.ingest(trades(5, clock.now(), "v")); // young: kept
    // The events 11–20 are old, beyond both snapshots: the state is written (twice) and the cut reaches 20.
    expect(await retention.prune()).toEqual({ removed: 20, prunedThrough: 20 });
    expect(snapshots).toEqual([25, 25]);
    expect(journal.snapshots().map((s) => s.seq)).toEqual([25, 25]);
    journal.close();
  });

  it("does not count an unusable snapshot as cover", async () => {
    const { clock, journal, pipeline, retention, snapshots } = setup();
    await pipeline.ingest(trades(10, clock.now()));
    pipeline.snapshot({ force: true });
    pipeline.snapshot({ force: true });
    journal.db.exec("UPDATE engine_snapshots SET data = 'garbage' WHERE id = (SELECT MIN(id) FROM engine_snapshots)");
    clock.advance(2 * DAY);
    expect(await retention.prune()).toEqual({ removed: 10, prunedThrough: 10 });
    // The unreadable one did not count: a fresh copy was written first.
    expect(snapshots).toEqual([10]);
    journal.close();
  });
});
