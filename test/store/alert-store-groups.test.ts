// Group alert records (§19) in the alert store: a database written before groups had alerts gains
// the column and keeps its records; group and bot records are told apart by the history filters;
// a group's trigger state survives reopening.
import Database from "better-sqlite3";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AlertRecord } from "../../src/domain/alert-record.js";
import { AlertStore } from "../../src/store/alert-store.js";
import { tempDir } from "../support/exporter.js";

const T0 = Date.UTC(2026, 0, 5, 12);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function record(over: { id: string } & ({ bot: string } | { group: string })): AlertRecord {
  return {
    trigger: "total_drawdown",
    severity: "critical",
    status: "firing",
    value: 0.21,
    threshold: 0.2,
    message: "m",
    started_at: T0,
    resolved_at: null,
    notified: true,
    suppressed: false,
    deliveries: [],
    acknowledged_at: null,
    acknowledged_by: null,
    ...over,
  };
}

describe("alert store with group records", () => {
  it("adds the group column to a database from before and keeps its bot records", () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, "alerts.db");
    const old = new Database(file);
    // The table as earlier versions created it.
    old.exec(`CREATE TABLE alert_records (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, bot TEXT NOT NULL, trigger TEXT NOT NULL,
      severity TEXT NOT NULL, status TEXT NOT NULL, value REAL, threshold REAL, message TEXT NOT NULL,
      started_at INTEGER NOT NULL, resolved_at INTEGER, notified INTEGER NOT NULL, suppressed INTEGER NOT NULL,
      deliveries TEXT NOT NULL DEFAULT '[]', acknowledged_at INTEGER, acknowledged_by TEXT)`);
    old
      .prepare(
        "INSERT INTO alert_records (id, bot, trigger, severity, status, message, started_at, notified, suppressed) VALUES (?,?,?,?,?,?,?,?,?)",
      )
      .run("old-1", "alpha", "daily_drawdown", "warning", "resolved", "before", T0 - 1000, 1, 0);
    old.close();

    const db = new Database(file);
    const store = new AlertStore(db, { historySize: 100 });
    const groupRecord = record({ id: "g-1", group: "fleet" });
    store.apply({
      records: [groupRecord, record({ id: "b-1", bot: "alpha" })],
      states: [],
      groupStates: [{ group: "fleet", trigger: "total_drawdown", firing: groupRecord, last_notified_at: T0 }],
      counts: [],
    });
    const all = store.history({});
    expect(all.map((r) => [r.id, r.bot, r.group])).toEqual([
      ["b-1", "alpha", undefined],
      ["g-1", undefined, "fleet"],
      ["old-1", "alpha", undefined],
    ]);
    expect(all[1]).not.toHaveProperty("bot");
    expect(store.history({ group: "fleet" }).map((r) => r.id)).toEqual(["g-1"]);
    expect(store.history({ bot: "alpha" }).map((r) => r.id)).toEqual(["b-1", "old-1"]);
    db.close();

    const again = new Database(file);
    const reopened = new AlertStore(again, { historySize: 100 });
    expect(reopened.loadGroupStates()).toEqual([{ group: "fleet", trigger: "total_drawdown", firing: groupRecord, last_notified_at: T0 }]);
    expect(reopened.loadStates()).toEqual([]);
    again.close();
  });
});
