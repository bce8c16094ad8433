// The exporter as `serve` runs it, plus two test hooks read from the environment (nothing in src/
// reads them):
//   SNAPSHOT_EVERY=n      take an engine snapshot after every n applied events (default 10,000), so a
//                         short test takes many and a kill -9 often lands in the middle of one;
//   CRASH_IN_SNAPSHOT=k   SIGKILL itself inside the k-th snapshot's transaction: the snapshot row is
//                         written and the old ones deleted, nothing of it committed.
// Run by kill9-mixed.test.ts through startExporterProcess({ entry }): ... exporter-crash-child.ts --config FILE
import { writeSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../../src/config/index.js";
import { createExporter } from "../../src/exporter.js";
import { createLogger } from "../../src/logger.js";

const { values } = parseArgs({ options: { config: { type: "string" } } });
const config = loadConfig({ file: values.config, env: process.env });
const logger = createLogger(config.log_level);
const snapshotEvery = process.env.SNAPSHOT_EVERY ? Number(process.env.SNAPSHOT_EVERY) : undefined;
const exporter = await createExporter(config, { logger, snapshotEvery });

const crashAt = Number(process.env.CRASH_IN_SNAPSHOT ?? 0);
if (crashAt > 0) {
  const { journal } = exporter;
  const save = journal.saveSnapshot.bind(journal);
  let snapshots = 0;
  journal.saveSnapshot = (...args) => {
    if (++snapshots < crashAt) return save(...args);
    // The snapshot's own transaction nests inside this one (a savepoint); the kill comes before COMMIT.
    journal.transaction(() => {
      save(...args);
      writeSync(1, "test hook: SIGKILL inside a snapshot transaction\n"); // synchronous: it must be out before the kill
      process.kill(process.pid, "SIGKILL");
    });
  };
}
await exporter.listen();
