// States that end by themselves at a known time: a Freqtrade protection's lock end, the window a
// warning keeps the API degraded. The deadline is stored in the same transaction as the event that
// opened it, so a restart still ends it on time (or at once, if the time passed while stopped).
import type { Clock } from "../domain/clock.js";
import type { DurableSink, SourceLogger, SourceState, StateWrite } from "./types.js";

interface Deadline {
  until: number;
  /** The §3 event that ends the state; its `ts` is set to the deadline. */
  event: Record<string, unknown>;
}

/** setTimeout's ceiling (about 24.8 days); longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const RETRY_MS = 5_000;

export class Expiries {
  private deadlines: Record<string, Deadline> = {};
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly key: string,
    private readonly deps: { sink: DurableSink; state: SourceState; clock: Clock; logger: SourceLogger },
  ) {
    try {
      const raw = deps.state.get(key);
      if (raw) this.deadlines = JSON.parse(raw) as Record<string, Deadline>;
    } catch {
      deps.logger.warn({ key }, "ignoring unreadable deadlines");
    }
  }

  /** Arms every stored deadline (call once at start). */
  start(): void {
    this.stopped = false;
    for (const name of Object.keys(this.deadlines)) this.schedule(name);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  until(name: string): number | undefined {
    return this.deadlines[name]?.until;
  }

  /**
   * The state write that sets `name` to end at `until` with `event`. Pass it with the opening
   * event; call `commit()` once the sink acknowledged, which arms the timer.
   */
  plan(name: string, until: number, event: Record<string, unknown>): { write: StateWrite; commit: () => void } {
    const next = { ...this.deadlines, [name]: { until, event } };
    return {
      write: { key: this.key, value: JSON.stringify(next) },
      commit: () => {
        this.deadlines = next;
        this.schedule(name);
      },
    };
  }

  private schedule(name: string): void {
    clearTimeout(this.timers.get(name));
    const d = this.deadlines[name];
    if (!d || this.stopped) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, d.until - this.deps.clock.now()));
    const timer = setTimeout(() => void this.fire(name, d), wait);
    timer.unref();
    this.timers.set(name, timer);
  }

  private async fire(name: string, d: Deadline): Promise<void> {
    this.timers.delete(name);
    if (this.stopped || this.deadlines[name] !== d) return;
    if (d.until > this.deps.clock.now()) return this.schedule(name);
    const rest = { ...this.deadlines };
    delete rest[name];
    try {
      await this.deps.sink.ingestWithState([{ ...d.event, ts: d.until }], [{ key: this.key, value: JSON.stringify(rest) }]);
      // A newer plan for the same name may have been committed while this one was being stored.
      if (this.deadlines[name] === d) delete this.deadlines[name];
    } catch (err) {
      this.deps.logger.warn({ key: this.key, name, err: (err as Error).message }, "could not store the end of a timed state; retrying");
      if (this.stopped) return;
      const timer = setTimeout(() => void this.fire(name, d), RETRY_MS);
      timer.unref();
      this.timers.set(name, timer);
    }
  }
}
