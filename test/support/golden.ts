// Loading and comparing the golden cases of §5 (test/fixtures/golden, README.md there).
// Reused by the engine-level and the HTTP-level golden tests.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseEvents, type TradingEvent } from "../../src/domain/events.js";
import type { MetricsSettings } from "../../src/domain/snapshots.js";

export type GoldenValue = number | string | boolean | null;

export interface GoldenCase {
  /** File name, e.g. "case-01.json". */
  name: string;
  format: string;
  seed: number;
  description: string;
  now_ms: number;
  now_iso: string;
  config: {
    metrics?: Partial<Omit<MetricsSettings, "bots">>;
    bots?: Record<string, { initial_equity?: number }>;
  };
  events: unknown[];
  /** Per bot: §8 field names; `trades` is {total, wins, losses, breakeven}. */
  expected: Record<string, Record<string, GoldenValue | Record<string, number>>>;
  /** §9 series, e.g. `trading_equity{bot="alpha"}` → value. */
  expected_metrics: Record<string, number | string>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * Where a `shared/golden/` folder sits beside the checkout it is the authority; `test/fixtures/golden/`
 * is the in-repo copy, so that `npm test` runs on a plain clone. A test checks the copy still equals the original whenever both are there.
 */
export const SHARED_GOLDEN_DIR = path.resolve(here, "../../../shared/golden");
export const COPIED_GOLDEN_DIR = path.resolve(here, "../fixtures/golden");
export const GOLDEN_DIRS = [SHARED_GOLDEN_DIR, COPIED_GOLDEN_DIR];

export function goldenDir(): string {
  const dir = GOLDEN_DIRS.find((d) => existsSync(d) && readdirSync(d).some((f) => /^case-.*\.json$/.test(f)));
  if (dir === undefined) throw new Error(`no golden cases found in ${GOLDEN_DIRS.join(" or ")}`);
  return dir;
}

export function loadGoldenCases(dir = goldenDir()): GoldenCase[] {
  return readdirSync(dir)
    .filter((f) => /^case-.*\.json$/.test(f))
    .sort()
    .map((name) => ({ name, ...(JSON.parse(readFileSync(path.join(dir, name), "utf8")) as Omit<GoldenCase, "name">) }));
}

/** §12 defaults filled in under the case's `metrics` and `bots` sections. */
export function settingsFromCase(c: GoldenCase): MetricsSettings {
  const m = c.config.metrics ?? {};
  return {
    initial_equity: m.initial_equity ?? 10000,
    window_trades: m.window_trades ?? 100,
    annualization_factor: m.annualization_factor ?? 365,
    daily_window_days: m.daily_window_days ?? 90,
    daily_annualization_factor: m.daily_annualization_factor ?? 365,
    cagr_min_days: m.cagr_min_days ?? 30,
    timezone: m.timezone ?? "UTC",
    bots: c.config.bots ?? {},
  };
}

/** The case's events validated and normalized as ingestion does (ts → epoch ms, bot defaulted). */
export function goldenEvents(c: GoldenCase): TradingEvent[] {
  const parsed = parseEvents(c.events, c.now_ms);
  if (!parsed.ok) throw new Error(`${c.name}: invalid events: ${JSON.stringify(parsed.errors.slice(0, 5))}`);
  return parsed.events;
}

/** Drops re-sent trades (same bot and id), as the store does in production. */
export function withoutDuplicateTrades(events: TradingEvent[]): TradingEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    if (e.type !== "trade") return true;
    const key = `${e.bot}\u0000${e.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** §9 series name → snapshot field (dotted for `trades`). */
export const SERIES_TO_FIELD: Record<string, string> = {
  trading_equity: "equity",
  trading_peak_equity: "peak_equity",
  trading_drawdown_ratio: "drawdown",
  trading_daily_drawdown_ratio: "daily_drawdown",
  trading_weekly_drawdown_ratio: "weekly_drawdown",
  trading_max_drawdown_ratio: "max_drawdown",
  trading_sharpe_ratio: "sharpe_ratio",
  trading_sortino_ratio: "sortino_ratio",
  trading_daily_sharpe_ratio: "daily_sharpe_ratio",
  trading_daily_sortino_ratio: "daily_sortino_ratio",
  trading_win_rate_ratio: "win_rate",
  trading_window_trades: "window_trades",
  trading_consecutive_losses: "consecutive_losses",
  trading_max_consecutive_losses: "max_consecutive_losses",
  trading_daily_pnl: "daily_pnl",
  trading_weekly_pnl: "weekly_pnl",
  trading_realized_pnl: "total_pnl",
  trading_gross_profit_total: "gross_profit",
  trading_gross_loss_total: "gross_loss",
  trading_profit_factor: "profit_factor",
  trading_expectancy: "expectancy",
  trading_avg_win: "avg_win",
  trading_avg_loss: "avg_loss",
  trading_payoff_ratio: "payoff_ratio",
  trading_largest_win: "largest_win",
  trading_largest_loss: "largest_loss",
  trading_sqn: "sqn",
  trading_cagr_ratio: "cagr",
  trading_calmar_ratio: "calmar_ratio",
  trading_net_cashflow: "net_cashflow",
};
const OUTCOME_TO_FIELD: Record<string, string> = { win: "trades.wins", loss: "trades.losses", breakeven: "trades.breakeven" };

/** Fields compared exactly (counts and strings); every other number within the README tolerance. */
const EXACT_FIELDS = new Set([
  "bot",
  "sharpe_indicator",
  "window_trades",
  "consecutive_losses",
  "max_consecutive_losses",
  "trades.total",
  "trades.wins",
  "trades.losses",
  "trades.breakeven",
  "last_trade_at",
  "last_event_at",
]);

export interface SeriesKey {
  name: string;
  labels: Record<string, string>;
}

export function parseSeriesKey(key: string): SeriesKey {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$/.exec(key);
  if (!m) throw new Error(`not a series key: ${key}`);
  const labels: Record<string, string> = {};
  for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    labels[l[1]!] = l[2]!.replace(/\\(.)/g, "$1");
  }
  return { name: m[1]!, labels };
}

/** The snapshot field a series maps to, or null when it maps to none. */
export function fieldOfSeries(key: SeriesKey): string | null {
  if (key.name === "trading_trades_total") return OUTCOME_TO_FIELD[key.labels.outcome ?? ""] ?? null;
  return SERIES_TO_FIELD[key.name] ?? null;
}

export interface ExpectedFigure {
  /** Snapshot field, dotted for `trades` (e.g. `trades.wins`). */
  field: string;
  value: GoldenValue;
  /** Where it came from: "expected" or the series key of `expected_metrics`. */
  from: string;
}

/** Expected figures per bot: `expected` flattened, plus every `expected_metrics` series that maps to a field. */
export function expectedFiguresByBot(c: GoldenCase): Map<string, ExpectedFigure[]> {
  const out = new Map<string, ExpectedFigure[]>();
  const put = (bot: string, f: ExpectedFigure) => {
    if (!out.has(bot)) out.set(bot, []);
    out.get(bot)!.push(f);
  };
  for (const [bot, fields] of Object.entries(c.expected)) {
    for (const [field, value] of Object.entries(fields)) {
      if (value !== null && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) put(bot, { field: `${field}.${k}`, value: v, from: "expected" });
      } else put(bot, { field, value, from: "expected" });
    }
  }
  for (const [series, value] of Object.entries(c.expected_metrics)) {
    const key = parseSeriesKey(series);
    const field = fieldOfSeries(key);
    const bot = key.labels.bot;
    if (field === null || bot === undefined) continue;
    put(bot, { field, value, from: series });
  }
  return out;
}

/** Series names of `expected_metrics` that map to no snapshot field (a test asserts there are none). */
export function unmappedSeries(c: GoldenCase): string[] {
  return Object.keys(c.expected_metrics).filter((s) => fieldOfSeries(parseSeriesKey(s)) === null);
}

function asNumber(v: GoldenValue): number | null {
  if (typeof v === "number") return v;
  if (v === "NaN") return NaN;
  if (v === "+Inf" || v === "Inf") return Infinity;
  if (v === "-Inf") return -Infinity;
  return null;
}

/** README rule: |a−b| ≤ max(1e-9·max(|a|,|b|), 1e-9); NaN equals NaN; infinities equal by sign. */
export function closeEnough(actual: number, expected: number): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual);
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return actual === expected;
  return Math.abs(actual - expected) <= Math.max(1e-9 * Math.max(Math.abs(actual), Math.abs(expected)), 1e-9);
}

/** Returns a description of the mismatch, or null when `actual` matches `expected`. */
export function mismatch(actual: unknown, expected: GoldenValue, field: string, label: string): string | null {
  const exp = asNumber(expected);
  if (EXACT_FIELDS.has(field) || exp === null) {
    return Object.is(actual, expected) || actual === expected
      ? null
      : `${label}: ${field} = ${String(actual)}, expected ${JSON.stringify(expected)}`;
  }
  if (typeof actual !== "number") return `${label}: ${field} = ${String(actual)} is not a number`;
  return closeEnough(actual, exp) ? null : `${label}: ${field} = ${actual}, expected ${exp} (diff ${actual - exp})`;
}

/** Throws with a readable message when `actual` does not match. */
export function expectCloseTo(actual: unknown, expected: GoldenValue, label: string, field = label): void {
  const m = mismatch(actual, expected, field, label);
  if (m !== null) throw new Error(m);
}

function fieldOf(snapshot: object, dotted: string): unknown {
  return dotted
    .split(".")
    .reduce<unknown>((o, k) => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), snapshot);
}

/**
 * Every expected figure of the case (per bot) against `snapshotOf(bot)`, which returns an object
 * with the §8 field names (numbers may be NaN/±Infinity, or null when `nullMeansNonFinite`, as the
 * REST API writes them). Returns the list of mismatches (empty = all good).
 */
export function compareGolden(
  c: GoldenCase,
  snapshotOf: (bot: string) => object,
  opts: { label?: string; nullMeansNonFinite?: boolean } = {},
): string[] {
  const problems: string[] = [];
  for (const [bot, figures] of expectedFiguresByBot(c)) {
    const snap = snapshotOf(bot);
    for (const { field, value, from } of figures) {
      let actual = fieldOf(snap, field);
      if (actual === null && opts.nullMeansNonFinite) {
        const exp = asNumber(value);
        if (exp !== null && !Number.isFinite(exp)) actual = exp; // REST can't tell which non-finite
      }
      const m = mismatch(actual, value, field, `${opts.label ?? c.name} ${bot} [${from}]`);
      if (m !== null) problems.push(m);
    }
  }
  return problems;
}

/** The set of bots the case expects. */
export function expectedBots(c: GoldenCase): string[] {
  return Object.keys(c.expected).sort();
}
