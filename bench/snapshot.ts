// The engine's state snapshot, taken on the event loop every 10,000 events and read at every start:
// its size, the time to take it (Engine.toSnapshot, then JSON.stringify) and to restore it
// (JSON.parse, then Engine.fromSnapshot), at 100 bots whose windows are full, window_trades 100 and
// 10,000. Beside it, the baseline in the same run: the same state with each rolling window's returns
// and win flags as JSON arrays, as snapshots held them before they were packed (still readable).
// Run: npx tsx bench/snapshot.ts [--smoke]
import { parseConfig } from "../src/config/load.js";
import { metricsSettings } from "../src/config/settings.js";
import { ManualClock } from "../src/domain/clock.js";
import type { TradingEvent } from "../src/domain/events.js";
import { encodeNumber } from "../src/domain/json-number.js";
import { unpackFlags, unpackFloats } from "../src/domain/packed-floats.js";
import { Engine, type EngineSnapshotData } from "../src/engine/engine.js";
import type { MetricsSettings } from "../src/domain/snapshots.js";
import { benchFlags, emit, median, progress } from "./support/result.js";

const { smoke } = benchFlags();
const bots = smoke ? 10 : 100;
const passes = smoke ? 1 : 5;
const start = Date.parse("2025-01-01T00:00:00Z");

/** The configuration's defaults but for the window, as an operator who sets only that would run. */
const settingsFor = (windowTrades: number): MetricsSettings => metricsSettings(parseConfig({ metrics: { window_trades: windowTrades } }));

/** Trades enough to fill every bot's window, a second apart, parsed from JSON as requests are. */
function trades(perBot: number): TradingEvent[] {
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const events: object[] = [];
  for (let i = 0; i < perBot * bots; i++) {
    events.push({
      type: "trade",
      bot: `bot-${i % bots}`,
      ts: start + i * 1000,
      id: String(i),
      pnl: Math.round((random() - 0.48) * 20_000) / 100,
    });
  }
  return JSON.parse(JSON.stringify(events)) as TradingEvent[];
}

/** The snapshot as it was written before the windows were packed. */
function withArrayWindows(data: EngineSnapshotData): EngineSnapshotData {
  const copy = structuredClone(data);
  for (const bot of copy.bots) {
    const w = bot.performance.window;
    w.values = [...unpackFloats(w.values as string)].map(encodeNumber);
    w.wins = [...unpackFlags(w.wins as string)].map((b) => b === 1);
  }
  return copy;
}

function timed<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Writing `data` as JSON and restoring an engine from that text, once. */
function costOnce(data: EngineSnapshotData, settings: MetricsSettings, clock: ManualClock) {
  const written = timed(() => JSON.stringify(data));
  const restored = timed(() => Engine.fromSnapshot(JSON.parse(written.value) as EngineSnapshotData, settings, clock));
  if (restored.value.bots().length !== bots) throw new Error("restored engine lost bots");
  return { bytes: written.value.length, stringify: written.ms, restore: restored.ms };
}

/** Medians over the passes, the two forms alternating so that neither gets a warmer JIT. */
function costs(forms: EngineSnapshotData[], settings: MetricsSettings, clock: ManualClock) {
  const runs = forms.map(() => [] as Array<ReturnType<typeof costOnce>>);
  for (let p = 0; p < passes; p++) forms.forEach((data, i) => runs[i]!.push(costOnce(data, settings, clock)));
  return runs.map((r) => ({
    bytes: r[0]!.bytes,
    stringify_ms: round(median(r.map((x) => x.stringify))),
    restore_ms: round(median(r.map((x) => x.restore))),
  }));
}

const windows: Record<string, object> = {};
for (const windowTrades of smoke ? [10, 100] : [100, 10_000]) {
  const settings = settingsFor(windowTrades);
  const clock = new ManualClock(start);
  const engine = new Engine(settings, clock);
  for (const e of trades(Math.round(windowTrades * 1.2))) engine.apply(e);
  const toSnapshot: number[] = [];
  let data = engine.toSnapshot();
  for (let p = 0; p < passes; p++) {
    const taken = timed(() => engine.toSnapshot());
    data = taken.value;
    toSnapshot.push(taken.ms);
  }
  const [packedCost, baseline] = costs([data, withArrayWindows(data)], settings, clock);
  const packed = { to_snapshot_ms: round(median(toSnapshot)), ...packedCost! };
  progress(
    `window ${windowTrades}, ${bots} bots: ${(packed.bytes / 1e6).toFixed(2)} MB, take ${packed.to_snapshot_ms} + ${packed.stringify_ms} ms, restore ${packed.restore_ms} ms; ` +
      `windows as JSON arrays ${(baseline!.bytes / 1e6).toFixed(2)} MB, stringify ${baseline!.stringify_ms} ms, restore ${baseline!.restore_ms} ms`,
  );
  windows[String(windowTrades)] = { packed, baseline };
}
emit("snapshot", { bots, passes, windows });
