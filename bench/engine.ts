// Events per second of Engine.apply (1M events, 10 bots) at window_trades 100 and 10,000, against
// a naive baseline written here that recomputes the window's Sharpe/Sortino/win rate from the
// whole window after every trade (what "O(1) per event" saves). The engine runs in child processes,
// alternating round after round between the inlining budget `serve` sets (src/jit-inlining.ts) and
// V8's default budget, so that a slow phase of a shared machine falls on both alike. Each child
// makes one warm-up pass per window, reported apart (the JIT still compiling: an exporter that runs
// for days spends one such stretch at its start), then five; a figure is the median of all of a
// variant's passes. The naive baseline runs in this process.
// Run: npx tsx bench/engine.ts [events] [--smoke]
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ManualClock } from "../src/domain/clock.js";
import type { TradingEvent } from "../src/domain/events.js";
import { Engine } from "../src/engine/engine.js";
import { INLINING_BUDGET_FLAG, V8_DEFAULT_INLINING_BUDGET_FLAG, widenInliningBudget } from "../src/jit-inlining.js";
import { benchFlags, emit, median, progress } from "./support/result.js";

const CHILD_FLAG = "--engine-child";
/** The budget each variant's child is started with; `widenInliningBudget` leaves a given one alone. */
const BUDGETS = { serve: INLINING_BUDGET_FLAG, v8_default: V8_DEFAULT_INLINING_BUDGET_FLAG };
// In a child, before any engine code is hot enough to be optimized, as `serve` does.
widenInliningBudget();
const { smoke, args } = benchFlags();
const count = Number(args[0] ?? (smoke ? 20_000 : 1_000_000));
const passes = smoke ? 1 : 5;
const rounds = smoke ? 1 : 3;
const start = Date.parse("2025-01-01T00:00:00Z");

/** A deterministic stream: 80% trades (half with an explicit return), 5% equity, 15% heartbeats. */
function stream(n: number): TradingEvent[] {
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const events: TradingEvent[] = [];
  let ts = start;
  for (let i = 0; i < n; i++) {
    ts += Math.floor(random() * 120_000); // ~1 event a minute: days and weeks roll over
    const bot = `bot-${i % 10}`;
    const u = random();
    if (u < 0.8) {
      const pnl = Math.round((random() - 0.48) * 20_000) / 100;
      events.push(
        u < 0.4 ? { type: "trade", bot, ts, id: String(i), pnl } : { type: "trade", bot, ts, id: String(i), pnl, return: pnl / 10_000 },
      );
    } else if (u < 0.85) events.push({ type: "equity", bot, ts, equity: 9_000 + random() * 2_000 });
    else events.push({ type: "heartbeat", bot, ts });
  }
  return events;
}

function engineRate(events: TradingEvent[], windowTrades: number): number {
  const engine = new Engine(
    {
      initial_equity: 10_000,
      window_trades: windowTrades,
      annualization_factor: 365,
      daily_window_days: 90,
      daily_annualization_factor: 365,
      timezone: "Europe/Berlin",
      cagr_min_days: 30,
      bots: {},
    },
    new ManualClock(start),
  );
  const t0 = performance.now();
  for (const e of events) engine.apply(e);
  const seconds = (performance.now() - t0) / 1000;
  if (engine.performance("bot-0").window_trades !== Math.min(windowTrades, tradesOf(events, "bot-0")))
    throw new Error("window not filled as expected");
  return events.length / seconds;
}

function tradesOf(events: TradingEvent[], bot: string): number {
  return events.filter((e) => e.type === "trade" && e.bot === bot).length;
}

/** The baseline: keep the window as an array and recompute every figure from it after each trade. */
function naiveRate(events: TradingEvent[], windowTrades: number): { rate: number; sharpe: number } {
  const windows = new Map<string, { returns: number[]; pnls: number[]; equity: number }>();
  let sharpe = NaN;
  const t0 = performance.now();
  for (const e of events) {
    let w = windows.get(e.bot);
    if (!w) windows.set(e.bot, (w = { returns: [], pnls: [], equity: 10_000 }));
    if (e.type === "equity") w.equity = e.equity;
    if (e.type !== "trade") continue;
    const r = e.return ?? e.pnl / w.equity;
    w.equity += e.pnl;
    w.returns.push(r);
    w.pnls.push(e.pnl);
    if (w.returns.length > windowTrades) {
      w.returns.shift();
      w.pnls.shift();
    }
    const n = w.returns.length;
    let sum = 0;
    for (const x of w.returns) sum += x;
    const mean = sum / n;
    let sq = 0;
    let down = 0;
    for (const x of w.returns) {
      sq += (x - mean) ** 2;
      down += Math.min(x, 0) ** 2;
    }
    let wins = 0;
    for (const p of w.pnls) if (p > 0) wins++;
    sharpe = (mean / Math.sqrt(sq / (n - 1))) * Math.sqrt(365) + Math.sqrt(down / n) * 0 + wins * 0;
  }
  return { rate: events.length / ((performance.now() - t0) / 1000), sharpe };
}

// As the engine receives events from requests and from the journal on replay: parsed from JSON. V8
// hashes the strings JSON.parse makes while it parses them, where a bot name built in JS would be
// hashed again at each Map lookup (about a seventh of the engine's instructions per event).
const events = JSON.parse(JSON.stringify(stream(count))) as TradingEvent[];
// The naive baseline is O(window) per trade: at 10,000 it gets a slice of the stream, or it would
// take minutes; its rate is events per second all the same.
const naiveEvents = (w: number) => events.slice(0, Math.min(count, w >= 10_000 ? 100_000 : count));
interface WindowPasses {
  passes: number[];
  warmup: number | null;
}

/** A child's passes at `windowTrades`, after a warm-up pass (none in a smoke run). */
function enginePasses(windowTrades: number): WindowPasses {
  const warmup = smoke ? null : engineRate(events, windowTrades);
  const rates: number[] = [];
  for (let p = 0; p < passes; p++) rates.push(engineRate(events, windowTrades));
  return { passes: rates.map(Math.round), warmup: warmup === null ? null : Math.round(warmup) };
}

/** One child's passes at every window size, under `budget`. */
async function childPasses(budget: string): Promise<Record<string, WindowPasses>> {
  const flags = process.execArgv.filter((a) => !a.startsWith(budget.split("=")[0]!));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...flags, budget, process.argv[1]!, ...process.argv.slice(2), CHILD_FLAG],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, WindowPasses>;
}

const WINDOWS = [100, 10_000];
if (process.argv.includes(CHILD_FLAG)) {
  process.stdout.write(`${JSON.stringify(Object.fromEntries(WINDOWS.map((w) => [String(w), enginePasses(w)])))}\n`);
} else {
  type Variant = keyof typeof BUDGETS;
  const runs: Record<Variant, Array<Record<string, WindowPasses>>> = { serve: [], v8_default: [] };
  for (let r = 0; r < rounds; r++) {
    for (const variant of Object.keys(BUDGETS) as Variant[]) runs[variant].push(await childPasses(BUDGETS[variant]));
  }
  const all = (variant: Variant, w: number) => runs[variant].flatMap((c) => c[String(w)]!.passes);
  const warmups = (w: number) => runs.serve.map((c) => c[String(w)]!.warmup).filter((x): x is number => x !== null);
  const windows: Record<string, object> = {};
  for (const windowTrades of WINDOWS) {
    const rate = Math.round(median(all("serve", windowTrades)));
    const atDefault = Math.round(median(all("v8_default", windowTrades)));
    const naive = naiveRate(naiveEvents(windowTrades), windowTrades);
    progress(
      `window ${windowTrades}: engine ${rate.toLocaleString("en-US")} events/s (V8's default inlining budget ${atDefault.toLocaleString("en-US")}), naive ${Math.round(naive.rate).toLocaleString("en-US")}`,
    );
    windows[String(windowTrades)] = {
      events_per_second: rate,
      passes: all("serve", windowTrades),
      warmup_events_per_second: warmups(windowTrades).length > 0 ? Math.round(median(warmups(windowTrades))) : null,
      v8_default_inlining_events_per_second: atDefault,
      v8_default_inlining_passes: all("v8_default", windowTrades),
      naive_events_per_second: Math.round(naive.rate),
      naive_events: naiveEvents(windowTrades).length,
      speedup_vs_naive: Math.round((rate / naive.rate) * 10) / 10,
    };
  }
  emit("engine", { events: count, bots: 10, rounds, windows });
}
