// The exporter's own storage series (§15): room on the data directory's file system, the size of
// the SQLite files, whether journal writes fail, and the faults that are logged and skipped instead
// of ending the process. Read at scrape time like every other family.
import { family, type Family } from "./families.js";
import type { StoreView } from "./scrape-view.js";

const ifStore = (collect: (store: StoreView, add: (value: number, label?: string) => void) => void): NonNullable<Family["collect"]> => {
  return (view, add) => {
    if (view.store) collect(view.store, add);
  };
};

export const STORE_FAMILIES: Family[] = [
  family(
    "trading_exporter_storage_free_bytes",
    "Bytes the exporter may still write on the file system of its data directory.",
    "gauge",
    [],
    ifStore((s, add) => add(s.freeBytes ?? NaN)),
  ),
  family(
    "trading_exporter_storage_min_free_bytes",
    "storage.min_free_bytes: with less free space /readyz answers 503 and TradingExporterStorageLow fires.",
    "gauge",
    [],
    ifStore((s, add) => add(s.minFreeBytes)),
  ),
  family(
    "trading_exporter_storage_bytes",
    "Size of the exporter's SQLite files (database, wal, shm).",
    "gauge",
    ["file"],
    ifStore((s, add) => {
      for (const f of s.files) add(f.bytes, f.file);
    }),
  ),
  family(
    "trading_exporter_store_writes_failing",
    "1 while journal writes fail (disk full, read-only, I/O error, locked) and writes are answered 503; 0 otherwise.",
    "gauge",
    [],
    ifStore((s, add) => add(s.writesFailing ? 1 : 0)),
  ),
  family(
    "trading_exporter_snapshot_failures_total",
    "Engine snapshots that could not be written (retried later; the journal keeps every event).",
    "counter",
    [],
    ifStore((s, add) => add(s.snapshotFailures)),
  ),
  family(
    "trading_exporter_apply_failures_total",
    "Stored events the engine could not apply, live or when replayed at start (logged and skipped).",
    "counter",
    [],
    ifStore((s, add) => add(s.applyFailures)),
  ),
];
