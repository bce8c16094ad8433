// The sink the source tests ingest into: the exporter's real pipeline (validate → SQLite journal with
// trade-id dedupe → Engine) over a temporary data dir, recording what it applied. Its journal also
// backs `state`, the durable SourceState the sources resume from.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock } from "../../src/domain/clock.js";
import type { TradingEvent } from "../../src/domain/events.js";
import { Engine } from "../../src/engine/engine.js";
import type { MetricsSettings, PerformanceSnapshot } from "../../src/domain/snapshots.js";
import { IngestPipeline } from "../../src/ingest/pipeline.js";
import { silentLogger } from "../../src/logger.js";
import { Journal } from "../../src/store/journal.js";
import type { DurableSink, SourceState, StateWrite } from "../../src/sources/types.js";

export const TEST_SETTINGS: MetricsSettings = {
  initial_equity: 1000,
  window_trades: 100,
  annualization_factor: 365,
  daily_window_days: 90,
  daily_annualization_factor: 365,
  cagr_min_days: 30,
  timezone: "UTC",
  bots: {},
};

const open: ReferenceSink[] = [];

export class ReferenceSink implements DurableSink {
  /** Events applied, in order (duplicates excluded). */
  readonly applied: TradingEvent[] = [];
  readonly batches: unknown[][] = [];
  duplicates = 0;
  /** Make the next N ingest calls fail as a storage failure would. */
  failNext = 0;
  readonly engine: Engine;
  /** Durable source positions in the same SQLite file as the events. */
  readonly state: SourceState;
  private readonly journal: Journal;
  private readonly pipeline: IngestPipeline;

  constructor(
    clock: Clock,
    private readonly dir: string,
  ) {
    this.journal = Journal.open(dir);
    this.engine = new Engine(TEST_SETTINGS, clock);
    this.pipeline = new IngestPipeline({
      journal: this.journal,
      engine: this.engine,
      clock,
      maxBots: 100,
      logger: silentLogger,
      fingerprint: Engine.settingsFingerprint(TEST_SETTINGS),
    });
    this.pipeline.addListener({ applied: (e) => void this.applied.push(e) });
    const journal = this.journal;
    this.state = { get: (k) => journal.stateGet(k), set: (k, v) => journal.stateSet(k, v) };
  }

  ingest(events: unknown[]): Promise<{ accepted: number; duplicates: number }> {
    return this.ingestWithState(events, []);
  }

  async ingestWithState(events: unknown[], state: StateWrite[]): Promise<{ accepted: number; duplicates: number }> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error("simulated storage failure");
    }
    this.batches.push(events);
    const result = await this.pipeline.ingestWithState(events, state);
    this.duplicates += result.duplicates;
    return result;
  }

  trades(): TradingEvent[] {
    return this.applied.filter((e) => e.type === "trade");
  }

  ofType<T extends TradingEvent["type"]>(type: T): Extract<TradingEvent, { type: T }>[] {
    return this.applied.filter((e): e is Extract<TradingEvent, { type: T }> => e.type === type);
  }

  async close(): Promise<void> {
    await this.pipeline.close();
    this.journal.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function createReferenceSink(clock: Clock): Promise<ReferenceSink> {
  const sink = new ReferenceSink(clock, mkdtempSync(join(tmpdir(), "source-sink-")));
  open.push(sink);
  return sink;
}

/** Call from afterEach: closes every sink a test created. */
export async function closeReferenceSinks(): Promise<void> {
  await Promise.all(open.splice(0).map((s) => s.close()));
}

/** The performance figures that must agree when the same trades arrive by two different ways. */
export function tradeFigures(p: PerformanceSnapshot | undefined): Record<string, unknown> {
  if (!p) return {};
  const {
    equity,
    peak_equity,
    drawdown,
    max_drawdown,
    sharpe_ratio,
    sortino_ratio,
    win_rate,
    window_trades,
    consecutive_losses,
    max_consecutive_losses,
    total_pnl,
    trades,
    gross_profit,
    gross_loss,
    last_trade_at,
  } = p;
  return {
    equity,
    peak_equity,
    drawdown,
    max_drawdown,
    sharpe_ratio,
    sortino_ratio,
    win_rate,
    window_trades,
    consecutive_losses,
    max_consecutive_losses,
    total_pnl,
    trades,
    gross_profit,
    gross_loss,
    last_trade_at,
  };
}

export class CapturingLogger {
  readonly lines: { level: string; obj: object; msg?: string }[] = [];
  info(obj: object, msg?: string): void {
    this.lines.push({ level: "info", obj, msg });
  }
  warn(obj: object, msg?: string): void {
    this.lines.push({ level: "warn", obj, msg });
  }
  error(obj: object, msg?: string): void {
    this.lines.push({ level: "error", obj, msg });
  }
  text(): string {
    return JSON.stringify(this.lines);
  }
}
