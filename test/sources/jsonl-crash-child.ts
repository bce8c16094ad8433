// A process that tails one JSONL file into a real exporter and SIGKILLs itself at a chosen point:
//   after-commit N    right after the N-th batch (events + read position) committed, before the
//                     tail moved on in memory or heard the acknowledgement;
//   in-transaction N  while the N-th batch's transaction is open (its events appended, its
//                     position being written), so nothing of it commits;
//   finish            reads to the end and prints the bot's figures as one JSON line.
// Run by jsonl-kill9.test.ts: node --import tsx jsonl-crash-child.ts DATA_DIR FILE MODE [N]
import { createExporter } from "../../src/exporter.js";
import { JsonlSource } from "../../src/sources/jsonl.js";
import { testConfig } from "../support/exporter.js";

const [dataDir, file, mode, n] = process.argv.slice(2) as [string, string, string, string | undefined];
const crashAt = Number(n ?? 0);
const die = () => process.kill(process.pid, "SIGKILL");

const exporter = await createExporter(testConfig({}, dataDir));
const { pipeline, journal } = exporter;
let batches = 0;
const sink = {
  ingest: (events: unknown[]) => pipeline.ingest(events),
  async ingestWithState(events: unknown[], state: { key: string; value: string }[]) {
    const ack = await pipeline.ingestWithState(events, state);
    if (mode === "after-commit" && ++batches === crashAt) die();
    return ack;
  },
};
if (mode === "in-transaction") {
  const stateSet = journal.stateSet.bind(journal);
  let writes = 0;
  journal.stateSet = (key, value) => {
    if (journal.db.inTransaction && key.startsWith("jsonl:") && ++writes === crashAt) die();
    stateSet(key, value);
  };
}
const state = { get: (k: string) => journal.stateGet(k), set: (k: string, v: string) => journal.stateSet(k, v) };
const tail = new JsonlSource({ bot: "tail", path: file }, { sink, state, batchLines: 4 });
await tail.readNow();
if (mode === "finish") {
  const perf = exporter.engine.performance("tail");
  const safety = exporter.engine.safety("tail");
  const rows = journal.db.prepare("SELECT COUNT(*) AS n, COUNT(DISTINCT json_extract(body, '$.id')) AS ids FROM events").get();
  process.stdout.write(
    JSON.stringify({ equity: perf.equity, trades: perf.trades.total, trips: safety.circuit_breaker.trips, rows }) + "\n",
  );
}
await tail.stop();
await exporter.close();
