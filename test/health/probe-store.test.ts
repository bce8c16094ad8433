// The probe's last result on a real SQLite file (§17): restored after a reopen, failures keep
// counting from it, a different URL starts from nothing, and the URL itself is never stored.
import { readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import { ApiProbe, type ProbeStatus } from "../../src/sources/api-probe.js";
import { ProbeStore } from "../../src/store/probe-store.js";
import { tempDir } from "../support/exporter.js";
import { T0 } from "../alerts/snapshots.js";

let dir: string;
let server: Server;
let url: string;

beforeEach(async () => {
  dir = tempDir();
  server = createServer((_req, res) => void res.writeHead(502).end("bad gateway"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/ping?apiKey=store-key-123`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function open(target: string) {
  const db = new Database(join(dir, "exporter.db"));
  return { db, store: new ProbeStore(db, target) };
}

const probeWith = (store: ProbeStore, changes: ProbeStatus[]) =>
  new ApiProbe(
    { url, intervalSeconds: 30, timeoutSeconds: 2, degradedLatencyMs: 1000, failuresBeforeDisconnected: 2 },
    { clock: new ManualClock(T0), restored: store.load(), persist: (s) => store.save(s), onChange: (s) => changes.push(s) },
  );

describe("ProbeStore", () => {
  it("has nothing before the first probe", () => {
    const { db, store } = open(url);
    expect(store.load()).toBeNull();
    db.close();
  });

  it("restores status and failure count after a reopen; the next failure counts on without a status change", async () => {
    const first = open(url);
    const changes: ProbeStatus[] = [];
    const before = probeWith(first.store, changes);
    await before.probeOnce();
    await before.probeOnce();
    expect(before.status()).toMatchObject({ status: "disconnected", consecutive_failures: 2, error: "HTTP 502" });
    first.db.close();

    const second = open(url);
    const after = probeWith(second.store, changes);
    // Known before any probe of this process has run:
    expect(after.status()).toEqual(before.status());
    await after.probeOnce();
    expect(after.status()).toMatchObject({ status: "disconnected", consecutive_failures: 3 });
    // degraded → disconnected in the first process; nothing changed in the second.
    expect(changes.map((c) => c.status)).toEqual(["degraded", "disconnected"]);
    second.db.close();
  });

  it("starts from nothing for another URL and never writes the URL or its key to disk", async () => {
    const first = open(url);
    await probeWith(first.store, []).probeOnce();
    first.db.close();
    const other = open(url.replace("/v1/ping", "/v2/ping"));
    expect(other.store.load()).toBeNull();
    other.db.close();
    const bytes = readFileSync(join(dir, "exporter.db")).toString("latin1");
    expect(bytes).not.toContain("store-key-123");
    expect(bytes).not.toContain("/v1/ping");
  });
});
