// validate → store (group commit) → engine → listeners: the one-way flow of ARCHITECTURE.md.
// Every way in (HTTP, Freqtrade poller, JSONL tail, library) goes through `ingest`.
import { parseEvents, type EventType, type FieldError, type TradingEvent } from "../domain/events.js";
import type { Clock } from "../domain/clock.js";
import type { Engine } from "../engine/engine.js";
import type { Journal } from "../store/journal.js";
import type { Logger } from "../logger.js";
import { describeFieldErrors, IngestError } from "./ingest-error.js";

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

/** Told about what was applied, after the commit, in order. Listeners never block ingestion. */
export interface IngestListener {
  /** One applied (non-duplicate) event. */
  applied?(event: TradingEvent): void;
  /** An event whose idempotency key was applied before (nothing changed). */
  duplicate?(event: TradingEvent): void;
  /** After a group of events was applied, once per bot touched, in first-touched order. */
  botsChanged?(bots: string[]): void;
}

/** A source's resume state, written in the same transaction as the events it belongs to. */
export interface StateWrite {
  key: string;
  value: string;
}

interface Pending {
  events: TradingEvent[];
  state?: StateWrite[];
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

/** The store's write health (§15): writes are refused while it fails; it hears how each commit went. */
export interface StoreWrites {
  /** Why writes are refused now (the failing SQLite code), or null. */
  failing(): string | null;
  writeFailed(err: unknown): void;
  writeSucceeded(): void;
  /** The reply's `Retry-After` while the store fails. */
  readonly retryAfterSeconds: number;
}

export interface PipelineOptions {
  journal: Journal;
  /** Without it every write is tried (a failure still answers 503). */
  store?: StoreWrites;
  engine: Engine;
  clock: Clock;
  maxBots: number;
  logger: Logger;
  /** Take an engine snapshot after this many applied events (restart = snapshot + short replay). */
  snapshotEvery?: number;
  /** Snapshots are only valid for the settings they were taken under. */
  fingerprint: string;
  /** `ingest.max_future_seconds` (§15). */
  maxFutureSeconds?: number;
  /** Events the engine holds that no snapshot covers yet (the tail replayed at start). */
  unsnapshotted?: number;
}

export class IngestPipeline {
  private queue: Pending[] = [];
  private flushScheduled = false;
  private readonly listeners: IngestListener[] = [];
  private sinceSnapshot = 0;
  /** `sinceSnapshot` at which the next snapshot is taken; moved on by a failed one, so it is retried later. */
  private snapshotDue: number;
  private lastSeq: number;
  private closed = false;
  private readonly faultCounts = { snapshotFailures: 0, applyFailures: 0 };

  constructor(private readonly opts: PipelineOptions) {
    this.lastSeq = opts.journal.lastSeq();
    this.sinceSnapshot = opts.unsnapshotted ?? 0;
    this.snapshotDue = this.snapshotEvery();
  }

  /** Snapshots that could not be written, and stored events the engine could not apply, since start. */
  faults(): Readonly<{ snapshotFailures: number; applyFailures: number }> {
    return this.faultCounts;
  }

  addListener(listener: IngestListener): void {
    this.listeners.push(listener);
  }

  /** Validates a request body (one event or an array) and submits it. Throws IngestError if invalid. */
  ingest(body: unknown, defaultType?: EventType): Promise<IngestResult> {
    return this.validateAndSubmit(body, defaultType);
  }

  /**
   * Like `ingest`, and `state` is written in the same transaction as the events (nothing of either
   * when the batch is rejected): a source's position then never runs ahead of, or behind, its events.
   */
  ingestWithState(body: unknown[], state: StateWrite[]): Promise<IngestResult> {
    return this.validateAndSubmit(body, undefined, state);
  }

  private validateAndSubmit(body: unknown, defaultType: EventType | undefined, state?: StateWrite[]): Promise<IngestResult> {
    const parsed = parseEvents(body, this.opts.clock.now(), defaultType, this.opts.maxFutureSeconds);
    if (!parsed.ok) {
      return Promise.reject(new IngestError(422, describeFieldErrors(parsed.errors), parsed.errors, "invalid"));
    }
    return this.submit(parsed.events, state);
  }

  /**
   * Queues validated events. Submissions arriving in the same turn of the event loop share one
   * transaction (group commit); each resolves after that commit, with its own counts.
   */
  submit(events: TradingEvent[], state?: StateWrite[]): Promise<IngestResult> {
    if (this.closed) return Promise.reject(new IngestError(503, "the exporter is shutting down", [], "unavailable", this.retryAfter()));
    return new Promise((resolve, reject) => {
      this.queue.push({ events, state, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const group = this.queue;
    this.queue = [];
    if (group.length === 0) return;
    const { journal, engine, clock, store } = this.opts;
    const failing = store?.failing();
    if (failing) {
      for (const p of group) p.reject(this.storeUnavailable(failing));
      return;
    }
    const receivedAt = clock.now();
    const outcomes: Array<{ stored: TradingEvent[]; duplicates: TradingEvent[]; result: IngestResult } | IngestError> = [];
    try {
      journal.transaction(() => {
        const newBots = new Set<string>();
        for (const pending of group) {
          const capError = this.checkBotCap(pending.events, newBots);
          if (capError) {
            outcomes.push(capError);
            continue;
          }
          const stored: TradingEvent[] = [];
          const duplicates: TradingEvent[] = [];
          for (const event of pending.events) {
            const seq = journal.append(event, receivedAt);
            if (seq === null) {
              duplicates.push(event);
            } else {
              stored.push(event);
              this.lastSeq = seq;
            }
          }
          for (const { key, value } of pending.state ?? []) journal.stateSet(key, value);
          for (const e of stored) if (!engine.hasBot(e.bot)) newBots.add(e.bot);
          outcomes.push({ stored, duplicates, result: { accepted: stored.length, duplicates: duplicates.length } });
        }
      });
    } catch (err) {
      // Rolled back whole: nothing of the group reaches the engine, so nothing is half-applied.
      this.opts.logger.error({ err }, "event journal write failed; nothing of this group was acknowledged");
      this.lastSeq = journal.lastSeq();
      store?.writeFailed(err);
      const error = this.storeUnavailable(store?.failing() ?? "write failed");
      for (const p of group) p.reject(error);
      return;
    }
    store?.writeSucceeded();
    // Committed: now apply in the same order, then acknowledge.
    const touched = new Set<string>();
    group.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if (outcome instanceof IngestError) return pending.reject(outcome);
      for (const event of outcome.stored) {
        this.applyStored(event);
        touched.add(event.bot);
        this.emit((l) => l.applied?.(event));
      }
      for (const event of outcome.duplicates) this.emit((l) => l.duplicate?.(event));
      this.sinceSnapshot += outcome.stored.length;
      pending.resolve(outcome.result);
    });
    if (touched.size > 0) this.emit((l) => l.botsChanged?.([...touched]));
    this.snapshotIfDue();
  }

  /** Takes a snapshot when `snapshotEvery` events (or the retry's count after a failed one) arrived since the last. */
  snapshotIfDue(): void {
    if (this.sinceSnapshot >= this.snapshotDue) this.snapshot();
  }

  private storeUnavailable(code: string): IngestError {
    const after = this.retryAfter();
    return new IngestError(
      503,
      `the event store cannot take writes (${code}); nothing of this request was stored, retry after ${after} s`,
      [],
      "store_error",
      after,
    );
  }

  private retryAfter(): number {
    return this.opts.store?.retryAfterSeconds ?? 5;
  }

  private snapshotEvery(): number {
    return this.opts.snapshotEvery ?? 10_000;
  }

  /** Restart replays through here too, so a live run and a replay treat every event alike. */
  applyStored(event: TradingEvent): void {
    try {
      this.opts.engine.apply(event);
    } catch (err) {
      // Validated events never throw; if one does (a bug), it must not stall the other acknowledgements.
      this.faultCounts.applyFailures++;
      this.opts.logger.error({ err, bot: event.bot, type: event.type }, "engine could not apply a stored event");
    }
  }

  /** §3: the number of distinct bots is capped; a batch bringing a bot beyond it is rejected whole. */
  private checkBotCap(events: TradingEvent[], newBotsInGroup: Set<string>): IngestError | undefined {
    const { engine, maxBots } = this.opts;
    const seen = new Set(newBotsInGroup);
    const errors: FieldError[] = [];
    events.forEach((event, index) => {
      if (engine.hasBot(event.bot) || seen.has(event.bot)) return;
      seen.add(event.bot);
      if (engine.bots().length + seen.size > maxBots) {
        errors.push({
          index,
          path: "bot",
          message: `unknown bot "${event.bot}" would exceed max_bots (${maxBots}); raise max_bots or reuse a bot name`,
        });
      }
    });
    if (errors.length === 0) return undefined;
    return new IngestError(422, describeFieldErrors(errors), errors, "bot_cap");
  }

  /**
   * Writes the engine's state as of the last applied sequence number, when events arrived since the
   * last snapshot, or always with `force` (retention keeps two copies of the point it prunes to). One
   * that cannot be written is logged, counted and tried again after another `snapshotEvery` events
   * (§15): the journal still holds every event, so a restart only replays more of it. Never throws
   * (it runs after a commit, outside any request, where a throw would end the process).
   */
  snapshot(opts: { force?: boolean } = {}): boolean {
    const { journal, engine, clock, fingerprint } = this.opts;
    if (this.sinceSnapshot === 0 && !opts.force) return true;
    try {
      journal.saveSnapshot(this.lastSeq, fingerprint, JSON.stringify(engine.toSnapshot()), clock.now());
    } catch (err) {
      this.faultCounts.snapshotFailures++;
      this.snapshotDue = this.sinceSnapshot + this.snapshotEvery();
      this.opts.logger.error({ err, seq: this.lastSeq }, "engine snapshot not written; the journal holds every event, retrying later");
      return false;
    }
    this.sinceSnapshot = 0;
    this.snapshotDue = this.snapshotEvery();
    return true;
  }

  /** Waits for queued submissions, takes a final snapshot, and refuses new ones. */
  async close(): Promise<void> {
    while (this.queue.length > 0 || this.flushScheduled) await new Promise((r) => setImmediate(r));
    this.closed = true;
    this.snapshot();
  }

  private emit(call: (l: IngestListener) => void): void {
    for (const l of this.listeners) {
      try {
        call(l);
      } catch (err) {
        this.opts.logger.error({ err }, "an ingestion listener failed");
      }
    }
  }
}
