// /metrics serves each bot's lines from a cache that only a change of the bot's revision refreshes
// (src/exposition/metrics.ts). Differential test: a real exporter (SQLite, pipeline, alerting, a
// hand-moved clock) goes through a random sequence of events, duplicates, trigger changes, alert
// evaluations and clock moves (seconds to days, over midnights, week starts and the stale limit),
// and after every step the cached scrape must equal a fresh render that reads every bot afresh,
// byte for byte in both formats. FC_SEED=<n> replays one sequence.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/exporter.js";
import { seededRandom } from "../support/exact-stats.js";

const OPENMETRICS = "application/openmetrics-text; version=1.0.0";
const STEPS = 400;
const BOTS = ["alpha", "beta", "gamma", "delta", "epsilon"];
const TRIGGERS = ["daily_drawdown", "weekly_drawdown", "total_drawdown", "consecutive_losses", "low_win_rate", "bot_stale"];
const MOVES_S = [1, 7, 45, 61, 600, 3_600, 6 * 3_600, 86_400, 3 * 86_400];

/**
 * The trading_* blocks of a body, except the two the exporter reads from the file system at each
 * scrape (free space and file sizes: other processes on the machine change them between renders;
 * neither is cached). process_* and nodejs_* are prom-client's own, read at each scrape too.
 */
function tradingBlocks(body: string): string {
  return body
    .split(/\n(?=# HELP )/)
    .filter((block) => block.startsWith("# HELP trading_"))
    .filter((block) => !/^# HELP trading_exporter_storage_(free_)?bytes /.test(block))
    .join("\n");
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness(
    {
      metrics: { timezone: "Europe/Berlin", window_trades: 5, daily_window_days: 3 },
      health: { stale_after_seconds: 60 },
      groups: { fleet: ["alpha", "beta", "zeta"] },
      // Evaluations come from the sequence only (tick), never from the timer between two renders.
      alerts: { evaluation_interval_seconds: 3600, cooldown_seconds: 30 },
      bots: { beta: { initial_equity: 500, triggers: { daily_drawdown: { threshold: 0.01 } } } },
    },
    // A Sunday evening in Berlin: the first moves cross a midnight and a week start.
    { now: Date.UTC(2026, 2, 1, 21, 30) },
  );
});
afterAll(() => h.stop());

describe("the cached /metrics", () => {
  const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));

  it(`equals a fresh render after every step of a random sequence (FC_SEED=${seed})`, async () => {
    const next = seededRandom(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const sent: object[] = [];
    let ids = 0;
    const post = async (event: Record<string, unknown>) => {
      // A second apart: the replay guard refuses the same body signed in the same second.
      h.clock.advance(1000);
      const res = await h.post("/api/v1/events", event);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      sent.push(event);
    };
    const steps: string[] = [];
    let served = 0;

    for (let step = 0; step < STEPS; step++) {
      const bot = pick(BOTS);
      const r = next();
      if (r < 0.3) {
        const pnl = Math.round((next() - 0.6) * 400);
        await post({ type: "trade", bot, id: `t-${++ids}`, pnl });
        steps.push(`trade ${bot} ${pnl}`);
      } else if (r < 0.34 && sent.length > 0) {
        // A duplicate is acknowledged and not applied; it counts in trading_duplicate_trades_total.
        const trades = sent.filter((e) => (e as { type: string }).type === "trade");
        if (trades.length > 0) await post(pick(trades) as Record<string, unknown>);
        steps.push("duplicate");
      } else if (r < 0.5) {
        const event = pick<Record<string, unknown>>([
          { type: "equity", bot, equity: Math.round(9_000 + next() * 2_000) },
          { type: "cashflow", bot, amount: Math.round((next() - 0.4) * 500) },
          { type: "kill_switch", bot, active: next() < 0.5, reason: "manual" },
          { type: "circuit_breaker", bot, open: next() < 0.5 },
          { type: "positions", bot, open: Math.floor(next() * 6), max: 5 },
          { type: "api_status", bot, status: pick(["connected", "degraded", "disconnected"]), latency_ms: Math.round(next() * 900) },
          { type: "heartbeat", bot },
        ]);
        await post(event);
        steps.push(`${String(event.type)} ${bot}`);
      } else if (r < 0.75) {
        const seconds = pick(MOVES_S);
        h.clock.advance(seconds * 1000);
        steps.push(`clock +${seconds} s`);
      } else if (r < 0.9) {
        h.exporter.alerts.tick();
        steps.push("tick");
      } else {
        const trigger = pick(TRIGGERS);
        const usesThreshold = trigger.endsWith("drawdown") || trigger === "low_win_rate";
        const change = pick<Record<string, unknown>>([
          { enabled: next() < 0.7 },
          { severity: pick(["warning", "error", "critical"]) },
          usesThreshold ? { threshold: pick([0.01, 0.05, 0.2]) } : { enabled: true },
          ...(trigger === "consecutive_losses" ? [{ threshold: pick([2, 3, 5]) }] : []),
        ]);
        const body = next() < 0.5 ? { ...change, bot } : change;
        h.clock.advance(1000);
        const res = await h.put(`/api/v1/alerts/triggers/${trigger}`, body);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        steps.push(`trigger ${trigger} ${JSON.stringify(body)}`);
      }

      const accept = step % 3 === 2 ? OPENMETRICS : undefined;
      const cached = h.get("/metrics");
      if (accept) cached.set("Accept", accept);
      const body = (await cached).text;
      const fresh = (await h.exporter.metrics.render(accept, { fresh: true })).body;
      const context = `FC_SEED=${seed}, step ${step}, last steps: ${steps.slice(-6).join("; ")}`;
      expect(tradingBlocks(body), context).toBe(tradingBlocks(fresh));
      served++;
    }
    expect(served).toBe(STEPS);
    // The sequence did what it is meant to exercise: alerts fired, a bot went stale, a duplicate counted.
    const last = (await h.get("/metrics")).text;
    expect(last).toMatch(/^trading_alerts_total\{[^}]*\} [1-9]/m);
    expect(h.exporter.alerts.alerting.history({}).length).toBeGreaterThan(0);
    expect(steps.some((s) => s.startsWith("clock +86400"))).toBe(true);
  }, 180_000);

  it("keeps serving unchanged bots' lines: an idle rescrape is the same body", async () => {
    const first = tradingBlocks((await h.get("/metrics")).text);
    expect(tradingBlocks((await h.get("/metrics")).text)).toBe(first);
  });
});
