// The demo's simulation: a pure step function over a small state. No timers and no I/O here, so a
// test can play a minute of demo time in a loop; src/demo/run.ts plays it on a timer.
import type { EventInput } from "../domain/events.js";
import { CHARACTERS, CYCLE_STEPS, STEP_MS, trade, type BotSim } from "./characters.js";
import type { Rng } from "./random.js";

const DAY_MS = 86_400_000;
/** Days of backfilled history: enough for the daily Sharpe/Sortino and the weekly figures to mean something. */
export const HISTORY_DAYS = 21;
const HISTORY_TRADES_PER_DAY = 4;

export interface DemoState {
  /** Steps played so far. */
  step: number;
  /** Event time of the next step (epoch ms). */
  t: number;
  bots: BotSim[];
}

export function initialState(startMs: number, initialEquity = 10_000): DemoState {
  const run = Math.floor(startMs / 1000).toString(36);
  return {
    step: 0,
    t: startMs,
    bots: CHARACTERS.map((c) => ({ bot: c.bot, run, equity: initialEquity, tradeCount: 0, lastTrade: null })),
  };
}

/**
 * The bots' past weeks, sent once at the start: trades at 04:00, 08:00, … UTC on each of the last
 * HISTORY_DAYS days, in time order.
 */
function history(state: DemoState, rng: Rng): { bots: BotSim[]; events: EventInput[] } {
  const today = Math.floor(state.t / DAY_MS) * DAY_MS;
  const events: EventInput[] = [];
  const bots = state.bots.map((sim, i) => {
    const character = CHARACTERS[i]!;
    for (let d = HISTORY_DAYS; d >= 1; d--) {
      for (let k = 1; k <= HISTORY_TRADES_PER_DAY; k++) {
        const done = trade(sim, character.historyReturn(rng), today - d * DAY_MS + k * 4 * 3_600_000, rng);
        sim = done.sim;
        events.push(done.event);
      }
    }
    return { ...sim, lastTrade: null };
  });
  events.sort((a, b) => Number(a.ts) - Number(b.ts));
  return { bots, events };
}

/**
 * One step of demo time (STEP_MS): every bot acts; the first step also sends the history.
 * Returns the next state and the events in the order to ingest them. Pure apart from drawing from `rng`.
 */
export function simulateStep(state: DemoState, rng: Rng): { state: DemoState; events: EventInput[] } {
  const events: EventInput[] = [];
  let bots = state.bots;
  if (state.step === 0) {
    const past = history(state, rng);
    bots = past.bots;
    events.push(...past.events);
  }
  const cycleStep = state.step % CYCLE_STEPS;
  bots = bots.map((sim, i) => {
    const done = CHARACTERS[i]!.step(sim, { cycleStep, t: state.t, rng });
    events.push(...done.events);
    return done.sim;
  });
  return { state: { step: state.step + 1, t: state.t + STEP_MS, bots }, events };
}
