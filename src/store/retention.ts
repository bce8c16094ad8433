// Retention of raw events (`retention_days`, §10, §15): at start and then hourly, the oldest events
// are removed, never one that a restart could still need. A restart restores the newest usable
// snapshot, else the one before it, and replays the events after it; so the cut never passes the
// older of the two newest usable snapshots. When an old event lies beyond them, the engine's current
// state is written as a snapshot first (twice if need be), so the cut can reach what retention allows.
//
// The cut is a prefix of the journal (sequence numbers 1…n): a restart then knows exactly what is gone.
// It removes whole batches: one that reaches past the cut stays until all of it may go.
// It is made in transactions of a few thousand events with the event loop given back in between, so
// a first prune of millions of events holds no request up. Each transaction also carries the export's
// replay equity past the rows it removes (`pruned_equity`), so no exported return changes.
import type { Clock } from "../domain/clock.js";
import { Engine, type EngineSnapshotData } from "../engine/engine.js";
import type { MetricsSettings } from "../domain/snapshots.js";
import type { Logger } from "../logger.js";
import { carryPrunedEquity, isEquityMove, type EquityMove } from "./export-queries.js";
import type { Journal } from "./journal.js";

const DAY_MS = 86_400_000;
export const RETENTION_INTERVAL_MS = 3_600_000;
/** Events removed per transaction (whole batches, so a little more): a few milliseconds of work, then the event loop is given back. */
const BATCH_ROWS = 2000;

/** Counts the readers that replay the journal; retention waits until none is reading. */
export class JournalReaders {
  private active = 0;
  private waiters: Array<() => void> = [];

  /** Registers a reader; call the returned function (once) when it is done. */
  enter(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.active > 0) return;
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    };
  }

  idle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

export interface RetentionOptions {
  journal: Journal;
  clock: Clock;
  logger: Logger;
  retentionDays: number;
  settings: MetricsSettings;
  /** Writes the engine's current state as a snapshot, also when one of the same point exists. */
  snapshotNow: () => void;
  readers: JournalReaders;
  intervalMs?: number;
  batchRows?: number;
}

export interface PruneOutcome {
  removed: number;
  /** Every event up to this sequence number is gone. */
  prunedThrough: number;
}

export class Retention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PruneOutcome> | null = null;
  private stopped = false;
  private wake: () => void = () => {};
  private readonly stopping = new Promise<void>((resolve) => (this.wake = resolve));
  private readonly fingerprint: string;
  private readonly initialEquity: (bot: string) => number;
  /** Ids of snapshots found restorable (a stored snapshot never changes). */
  private readonly verified = new Set<number>();

  constructor(private readonly opts: RetentionOptions) {
    this.fingerprint = Engine.settingsFingerprint(opts.settings);
    this.initialEquity = (bot) => opts.settings.bots[bot]?.initial_equity ?? opts.settings.initial_equity;
  }

  /** Prunes now, then every hour; the timer does not keep the process alive. */
  start(): void {
    void this.prune();
    this.timer = setInterval(() => void this.prune(), this.opts.intervalMs ?? RETENTION_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the timer; waits for a prune under way to finish its current transaction. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One prune (joins the one under way). Never rejects: a failure is logged and retried next time. */
  prune(): Promise<PruneOutcome> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<PruneOutcome> {
    const { journal, logger } = this.opts;
    let removed = 0;
    try {
      const before = this.opts.clock.now() - this.opts.retentionDays * DAY_MS;
      if (!this.stopped && this.receivedBefore(journal.prunedThrough(), before)) {
        const limit = await this.coveredThrough(before);
        for (;;) {
          await Promise.race([this.opts.readers.idle(), this.stopping]);
          if (this.stopped) break;
          const batch = this.pruneBatch(before, limit);
          removed += batch.removed;
          if (batch.done) break;
          await new Promise<void>((r) => setImmediate(r));
        }
      }
    } catch (err) {
      logger.error({ err }, "retention: pruning failed; the journal is unchanged past the last committed batch, retried next time");
    }
    const prunedThrough = journal.db.open ? journal.prunedThrough() : 0;
    if (removed > 0) logger.info({ removed, pruned_through: prunedThrough }, "retention: old raw events removed");
    return { removed, prunedThrough };
  }

  /** Whether the first event after `seq` exists and was received before `before`. */
  private receivedBefore(seq: number, before: number): boolean {
    const receivedAt = this.opts.journal.receivedAtAfter(seq);
    return receivedAt !== undefined && receivedAt < before;
  }

  /**
   * The sequence number the cut may reach: the older of the two newest usable snapshots. Writes the
   * current state when the event after it is old enough to go (at most twice: then both cover
   * every event there is).
   */
  private async coveredThrough(before: number): Promise<number> {
    for (let written = 0; ; written++) {
      const usable = await this.usableSnapshots();
      const cover = usable.length >= 2 ? Math.min(usable[0]!, usable[1]!) : 0;
      if (written === 2 || (usable.length >= 2 && !this.receivedBefore(cover, before))) return cover;
      this.opts.snapshotNow();
    }
  }

  /** Sequence numbers of the snapshots a restart could restore, newest first (each tried once, in a turn of its own). */
  private async usableSnapshots(): Promise<number[]> {
    const usable: number[] = [];
    for (const snap of this.opts.journal.snapshots()) {
      if (snap.fingerprint !== this.fingerprint) continue;
      try {
        if (!this.verified.has(snap.id)) {
          await new Promise<void>((r) => setImmediate(r));
          const data = this.opts.journal.snapshotData(snap.id);
          if (data === undefined) continue; // replaced by a newer one meanwhile
          Engine.fromSnapshot(JSON.parse(data) as EngineSnapshotData, this.opts.settings, this.opts.clock);
        }
        this.verified.add(snap.id);
        usable.push(snap.seq);
      } catch (err) {
        this.opts.logger.warn({ err, snapshot_seq: snap.seq }, "retention: a state snapshot is unusable; it does not count as cover");
      }
    }
    return usable;
  }

  /** Removes the next run of old batches up to `limit`, in one transaction. */
  private pruneBatch(before: number, limit: number): { removed: number; done: boolean } {
    const { journal } = this.opts;
    const size = this.opts.batchRows ?? BATCH_ROWS;
    return journal.transaction(() => {
      const batches = journal.oldestBatches(limit, size);
      // A prefix only: stop at the first batch young enough to keep.
      let n = 0;
      while (n < batches.length && batches[n]!.receivedAt < before) n++;
      if (n === 0) return { removed: 0, done: true };
      const through = batches[n - 1]!.lastSeq;
      const moves: EquityMove[] = [];
      for (const { seq, event } of journal.eventsAfter(journal.prunedThrough())) {
        if (seq > through) break;
        if (isEquityMove(event.type)) moves.push(event as EquityMove);
      }
      carryPrunedEquity(journal.db, moves, this.initialEquity);
      const removed = journal.deleteThrough(through);
      const events = batches.reduce((sum, b) => sum + b.lastSeq - b.firstSeq + 1, 0);
      return { removed, done: n < batches.length || events < size };
    });
  }
}
