// Coalescing of per-bot state pushes (§13). The engine says *that* a bot changed, never *what*; the
// state is read from the snapshot provider when it is sent, so a burst of 10,000 events becomes one
// `metrics_update` carrying the state after the last one. Per bot, at most one flush per interval:
// the first change after a quiet interval is flushed on the next macrotask (so a whole batch applied
// synchronously is one message), later ones wait for the interval to end. Health and safety go out
// only when they differ from what was last pushed; `sweep()` catches changes no event causes.
import type { LiveSnapshotProvider } from "./hub-options.js";
import { changeKey, type LiveMessageType } from "./protocol.js";

export interface StateCoalescerOptions {
  intervalMs: number;
  snapshot: LiveSnapshotProvider;
  /** Hands one message to every interested client. */
  push: (type: LiveMessageType, bot: string, data: unknown) => void;
  /** Runs `fn` so that a failure to read one bot is logged instead of thrown out of a timer. */
  guard: (bot: string, fn: () => void) => void;
}

export class StateCoalescer {
  private readonly flushTimers = new Map<string, NodeJS.Timeout>();
  private readonly lastFlushAt = new Map<string, number>();
  private readonly lastHealth = new Map<string, string>();
  private readonly lastSafety = new Map<string, string>();

  constructor(private readonly o: StateCoalescerOptions) {}

  /** Schedules a flush of `bot`'s state, unless one is already pending. */
  changed(bot: string): void {
    if (this.flushTimers.has(bot)) return;
    const since = performance.now() - (this.lastFlushAt.get(bot) ?? -Infinity);
    const delay = Math.max(0, this.o.intervalMs - since);
    this.flushTimers.set(bot, setTimeout(() => this.flush(bot), delay).unref());
  }

  /** Pushes health and safety of every bot whose state changed without an event (a bot going stale). */
  sweep(): void {
    for (const bot of this.o.snapshot.bots()) this.o.guard(bot, () => this.pushIfChanged(bot));
  }

  close(): void {
    for (const t of this.flushTimers.values()) clearTimeout(t);
    this.flushTimers.clear();
  }

  private flush(bot: string): void {
    this.flushTimers.delete(bot);
    this.lastFlushAt.set(bot, performance.now());
    this.o.guard(bot, () => {
      this.o.push("metrics_update", bot, this.o.snapshot.metrics(bot));
      this.pushIfChanged(bot);
    });
  }

  private pushIfChanged(bot: string): void {
    const health = this.o.snapshot.health(bot);
    const healthKey = changeKey(health);
    if (this.lastHealth.get(bot) !== healthKey) {
      this.lastHealth.set(bot, healthKey);
      this.o.push("health_update", bot, health);
    }
    const safety = this.o.snapshot.safety(bot);
    const safetyKey = changeKey(safety);
    if (this.lastSafety.get(bot) !== safetyKey) {
      this.lastSafety.set(bot, safetyKey);
      this.o.push("safety_update", bot, safety);
    }
  }
}
