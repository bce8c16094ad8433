// Per-source health for /metrics (§18): whether each way in is delivering for each bot, when it
// last did, and why messages were refused. Push sources report here as things happen; pollers are
// read through a provider at scrape time.
import type { SourceStatus } from "./types.js";

export interface SourceHealthEntry {
  source: string;
  bot: string;
  up: boolean;
  /** Epoch ms of the last message (or successful poll) from this source for this bot. */
  last_message_at: number | null;
}

export interface SourceErrorCount {
  source: string;
  reason: string;
  count: number;
}

export interface SourceHealthSnapshot {
  entries: SourceHealthEntry[];
  errors: SourceErrorCount[];
}

export class SourceHealth {
  private readonly entries = new Map<string, SourceHealthEntry>();
  private readonly errors = new Map<string, SourceErrorCount>();
  private readonly providers: Array<() => SourceHealthEntry[]> = [];

  /** A source that keeps its own status (the pollers) is read from here at scrape time. */
  addProvider(provider: () => SourceHealthEntry[]): void {
    this.providers.push(provider);
  }

  /** Makes the (source, bot) series exist, down until the first delivery. */
  track(source: string, bot: string): void {
    this.entry(source, bot);
  }

  setUp(source: string, bot: string, up: boolean): void {
    this.entry(source, bot).up = up;
  }

  delivered(source: string, bot: string, at: number): void {
    const e = this.entry(source, bot);
    e.up = true;
    e.last_message_at = at;
  }

  /** A refused or failed message; `reason` is a short fixed word (bounded label values). */
  error(source: string, reason: string): void {
    const key = `${source}\u0000${reason}`;
    const e = this.errors.get(key) ?? { source, reason, count: 0 };
    e.count += 1;
    this.errors.set(key, e);
  }

  /** Pre-creates an error series at 0, so increase() sees the first one. */
  declareReasons(source: string, reasons: readonly string[]): void {
    for (const reason of reasons) {
      const key = `${source}\u0000${reason}`;
      if (!this.errors.has(key)) this.errors.set(key, { source, reason, count: 0 });
    }
  }

  bots(source: string): string[] {
    return [...this.entries.values()].filter((e) => e.source === source).map((e) => e.bot);
  }

  snapshot(): SourceHealthSnapshot {
    const entries = [...this.entries.values()].map((e) => ({ ...e }));
    for (const provider of this.providers) entries.push(...provider());
    return { entries, errors: [...this.errors.values()].map((e) => ({ ...e })) };
  }

  private entry(source: string, bot: string): SourceHealthEntry {
    const key = `${source}\u0000${bot}`;
    let e = this.entries.get(key);
    if (!e) this.entries.set(key, (e = { source, bot, up: false, last_message_at: null }));
    return e;
  }
}

/** The health of a polled source (poller, tail) for one bot, read from its status at scrape time. */
export function polledHealth(source: string, bot: string, status: () => SourceStatus): () => SourceHealthEntry[] {
  return () => {
    const s = status();
    return [{ source, bot, up: s.ok && s.last_success_at !== null, last_message_at: s.last_success_at }];
  };
}
