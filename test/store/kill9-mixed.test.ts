// §10 under kill -9 with every kind of event: equity reports, circuit-breaker trips, kill-switch
// changes, cash flows and trades, from concurrent senders, with snapshots every few dozen events so
// kills land among them — and twice on purpose inside a snapshot's transaction. After a restart
// every acknowledged batch is stored, each stored event once, batches whole, and the figures are
// those of a reference engine fed exactly the stored events in order: nothing lost, nothing twice.
import Database from "better-sqlite3";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, metricsSettings } from "../../src/config/index.js";
import { systemClock } from "../../src/domain/clock.js";
import type { TradingEvent } from "../../src/domain/events.js";
import { Engine } from "../../src/engine/engine.js";
import { SECRET, tempDir } from "../support/exporter.js";
import { startExporterProcess, writeConfig, type ExporterProcess } from "../support/process.js";
import { getJson, postSigned } from "../support/signed-fetch.js";

const CHILD = join(import.meta.dirname, "exporter-crash-child.ts");
const BOTS = ["k9a", "k9b", "k9c"];

/** One batch: every kind of event with an id, so a repeat would be a duplicate and a loss a gap. */
function batch(tag: string, n: number) {
  const bot = BOTS[n % BOTS.length]!;
  return [
    { type: "equity", bot, id: `${tag}-e`, equity: 10_000 + (n % 7) * 100 },
    { type: "trade", bot, id: `${tag}-t1`, pnl: 5 },
    { type: "circuit_breaker", bot, id: `${tag}-cb1`, open: true, reason: `trip ${tag}` },
    { type: "trade", bot, id: `${tag}-t2`, pnl: -2 },
    { type: "circuit_breaker", bot, id: `${tag}-cb2`, open: false },
    { type: "kill_switch", bot, id: `${tag}-k`, active: n % 5 === 0, ...(n % 5 === 0 ? { reason: "drill" } : {}) },
    { type: "cashflow", bot, id: `${tag}-c`, amount: 25 },
    { type: "trade", bot, id: `${tag}-t3`, pnl: 1.5 },
  ];
}
const BATCH_SIZE = batch("x", 0).length;

const exited = (proc: ExporterProcess) =>
  new Promise<void>((resolve) => {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) resolve();
    else proc.child.once("exit", () => resolve());
  });

describe("kill -9 with equity, safety and trade events", () => {
  it(
    "applies every acknowledged event exactly once after restarts, also when the kill lands inside a snapshot",
    { timeout: 240_000 },
    async () => {
      const dir = tempDir("k9-mixed-");
      const dataDir = join(dir, "data");
      const config = writeConfig(dir, { listen: "127.0.0.1:0", data_dir: dataDir, auth: { hmac_secrets: [SECRET] } });
      const acknowledged = new Set<string>();
      let sent = 0;
      // Kills from outside after some acknowledgements, and from inside a snapshot (its 3rd, its 2nd).
      const rounds: Array<{ crashInSnapshot?: number }> = [{}, { crashInSnapshot: 3 }, {}, { crashInSnapshot: 2 }];
      try {
        for (const [round, { crashInSnapshot }] of rounds.entries()) {
          const env: NodeJS.ProcessEnv = {
            SNAPSHOT_EVERY: "40",
            ...(crashInSnapshot ? { CRASH_IN_SNAPSHOT: String(crashInSnapshot) } : {}),
          };
          const proc = await startExporterProcess(config, { entry: CHILD, args: [], env });
          const gone = exited(proc);
          let dead = false;
          void gone.then(() => (dead = true));
          // 6 concurrent senders until the process is gone.
          const senders = Array.from({ length: 6 }, async () => {
            while (!dead) {
              const tag = `r${round}-${sent}`;
              const reply = await postSigned(proc.url, "/api/v1/events", batch(tag, sent++));
              if (reply?.status === 200) acknowledged.add(tag);
              else if (reply !== null) throw new Error(`unexpected ${reply.status}: ${JSON.stringify(reply.body)}`);
            }
          });
          if (!crashInSnapshot) {
            // Kill after a number of acknowledgements, not a fixed time: a busy machine answers slower.
            const target = acknowledged.size + 25 + round * 5;
            while (acknowledged.size < target && !dead) await new Promise((r) => setTimeout(r, 20));
            await proc.kill9();
          }
          await gone;
          await Promise.all(senders);
          expect(proc.child.signalCode, proc.output()).toBe("SIGKILL");
          if (crashInSnapshot) expect(proc.output()).toContain("test hook: SIGKILL inside a snapshot transaction");
        }
        expect(acknowledged.size).toBeGreaterThan(60);

        // The plain exporter (the CLI's serve, default snapshots) on the same directory.
        const last = await startExporterProcess(config);
        const realtime = (await getJson(last.url, "/api/v1/metrics/realtime")).body as { bots: Array<Record<string, unknown>> };
        const safety = (await getJson(last.url, "/api/v1/health/safety")).body as { bots: Array<Record<string, unknown>> };
        await last.stop();

        const db = new Database(join(dataDir, "trading-exporter.db"), { readonly: true });
        const rows = db.prepare("SELECT body FROM events ORDER BY seq").all() as Array<{ body: string }>;
        db.close();
        const stored = rows.map((r) => JSON.parse(r.body) as TradingEvent & { id: string });
        // Each event once; each batch whole; every acknowledged batch there.
        const ids = stored.map((e) => `${e.type}:${e.id}`);
        expect(ids.length - new Set(ids).size).toBe(0);
        const perBatch = new Map<string, number>();
        for (const e of stored) {
          const tag = e.id.slice(0, e.id.lastIndexOf("-"));
          perBatch.set(tag, (perBatch.get(tag) ?? 0) + 1);
        }
        expect([...perBatch].filter(([, n]) => n !== BATCH_SIZE)).toEqual([]);
        expect([...acknowledged].filter((tag) => !perBatch.has(tag))).toEqual([]);

        // The restarted figures are those of exactly the stored events, applied once, in order.
        const reference = new Engine(metricsSettings(loadConfig({ file: config, env: {} })), systemClock);
        for (const e of stored) reference.apply(e);
        const byBot = <T extends Record<string, unknown>>(list: T[]) => new Map(list.map((b) => [b.bot as string, b]));
        const shown = byBot(realtime.bots);
        const shownSafety = byBot(safety.bots);
        expect([...shown.keys()].sort()).toEqual([...reference.bots()].sort());
        for (const bot of reference.bots()) {
          const p = reference.performance(bot);
          const s = reference.safety(bot);
          expect(shown.get(bot), bot).toMatchObject({
            equity: p.equity,
            peak_equity: p.peak_equity,
            max_drawdown: p.max_drawdown,
            total_pnl: p.total_pnl,
            gross_profit: p.gross_profit,
            gross_loss: p.gross_loss,
            net_cashflow: p.net_cashflow,
            trades: { total: p.trades.total, wins: p.trades.wins, losses: p.trades.losses },
          });
          expect(shownSafety.get(bot), bot).toMatchObject({
            kill_switch: { active: s.kill_switch.active },
            circuit_breaker: { open: s.circuit_breaker.open, trips: s.circuit_breaker.trips },
          });
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
