// Rebuilding the engine at start (§10, §15): the newest usable snapshot taken under the current
// settings, then the journal's tail. A snapshot that cannot be read falls back to the one before
// it, then to a replay of the whole journal — but only while the journal still holds every event
// that replay needs. When retention removed some, the start is refused (naming what changed), since
// any other outcome would be figures different from the ones the exporter showed before.
import type { Clock } from "../domain/clock.js";
import { Engine, type EngineSnapshotData } from "../engine/engine.js";
import { settingsChanges, type SettingsChange } from "../engine/settings-fingerprint.js";
import type { MetricsSettings } from "../domain/snapshots.js";
import type { Logger } from "../logger.js";
import type { EngineSnapshotRow, Journal } from "./journal.js";

/** The start is refused: the state cannot be rebuilt with the same figures. */
export class RestoreRefusedError extends Error {
  constructor(
    message: string,
    /** The configuration keys whose change made the stored state unusable (empty when none changed). */
    readonly changedSettings: string[],
  ) {
    super(message);
    this.name = "RestoreRefusedError";
  }
}

export interface Restored {
  engine: Engine;
  /** Events replayed after the snapshot (or from the start). */
  replayed: number;
  /**
   * Stored events the engine threw on: like the live path (IngestPipeline.applyStored), each is
   * logged and skipped, so one bad row cannot fail every start.
   */
  skipped: number;
  /** The snapshot restored from, or null for a replay from the start. */
  snapshotSeq: number | null;
}

/** Restores `snap`, or explains why it cannot be. */
function tryRestore(journal: Journal, snap: EngineSnapshotRow, settings: MetricsSettings, clock: Clock): Engine | Error {
  try {
    const data = journal.snapshotData(snap.id);
    if (data === undefined) return new Error("snapshot removed while the start read it");
    return Engine.fromSnapshot(JSON.parse(data) as EngineSnapshotData, settings, clock);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

export function restoreEngine(journal: Journal, settings: MetricsSettings, clock: Clock, logger: Logger): Restored {
  const fingerprint = Engine.settingsFingerprint(settings);
  const prunedThrough = journal.prunedThrough();
  const snapshots = journal.snapshots();
  let engine: Engine | undefined;
  let from = 0;
  const failures: Array<{ seq: number; err: Error }> = [];
  for (const snap of snapshots) {
    // Other settings, or a state before what retention removed (its tail is gone): not a candidate.
    if (snap.fingerprint !== fingerprint || snap.seq < prunedThrough) continue;
    const restored = tryRestore(journal, snap, settings, clock);
    if (restored instanceof Error) {
      failures.push({ seq: snap.seq, err: restored });
      logger.warn({ err: restored, snapshot_seq: snap.seq }, "state snapshot unusable");
      continue;
    }
    engine = restored;
    from = snap.seq;
    break;
  }
  if (engine !== undefined && failures.length > 0) {
    logger.warn(
      { unusable_seq: failures[0]!.seq, snapshot_seq: from },
      "newest state snapshot unusable; restored from the snapshot before it",
    );
  }
  if (engine === undefined) {
    if (prunedThrough > 0) throw refusal(prunedThrough, snapshots, fingerprint, failures);
    if (failures.length > 0) logger.warn({ events: journal.lastSeq() }, "no usable state snapshot; replaying the whole journal");
    engine = new Engine(settings, clock);
  }
  let replayed = 0;
  let skipped = 0;
  for (const { seq, event } of journal.eventsAfter(from)) {
    try {
      engine.apply(event);
      replayed++;
    } catch (err) {
      skipped++;
      logger.error({ err, seq, bot: event.bot, type: event.type }, "engine could not apply a stored event on replay; skipped");
    }
  }
  return { engine, replayed, skipped, snapshotSeq: from > 0 ? from : null };
}

const describeChange = (c: SettingsChange) => `${c.key} (${c.before} → ${c.after})`;

function refusal(
  prunedThrough: number,
  snapshots: EngineSnapshotRow[],
  fingerprint: string,
  failures: Array<{ seq: number; err: Error }>,
): RestoreRefusedError {
  const removed = `retention (retention_days) already removed events #1–#${prunedThrough}`;
  const newest = snapshots[0];
  if (newest !== undefined && newest.fingerprint !== fingerprint) {
    const changes = settingsChanges(newest.fingerprint, fingerprint);
    const keys = changes.map((c) => c.key);
    const what =
      changes.length > 0
        ? changes.map(describeChange).join(", ")
        : "the settings that shape the state (metrics.*, bots.*.initial_equity, groups)";
    const undo = keys.includes("state format")
      ? "run the previous version of trading-exporter on this data_dir"
      : `set ${keys.length > 0 ? keys.join(", ") : "them"} back`;
    return new RestoreRefusedError(
      `cannot start: ${what} changed since the stored state was saved, and ${removed}, which recomputing the figures under the new ` +
        `setting would need; ${undo}, or start with an empty data_dir`,
      keys.filter((k) => k !== "state format"),
    );
  }
  const why =
    failures.length > 0
      ? `no stored state snapshot is usable (${failures.map((f) => `#${f.seq}: ${f.err.message}`).join("; ")})`
      : "no stored state snapshot covers them";
  return new RestoreRefusedError(
    `cannot start: ${removed} and ${why}; restore the data_dir from a backup, or start with an empty data_dir`,
    [],
  );
}
