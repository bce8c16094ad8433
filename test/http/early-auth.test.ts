// §16 for writes, on a real listening exporter and raw TCP sockets: the signature headers, the
// timestamp and Content-Length are judged before a byte of the body is read. A client announces a
// 5 MB body and sends only the headers; the answer must come while the body is still unsent.
import { rmSync } from "node:fs";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import { signedHeaders } from "../../src/domain/signature.js";
import { createExporter, type Exporter } from "../../src/exporter.js";
import { SECRET, tempDir, testConfig } from "../support/exporter.js";

const FIVE_MB = 5 * 1000 * 1000;
const LIMIT = 5 * 1024 * 1024;
const T_START = Date.UTC(2026, 0, 1, 18, 0, 0, 500);
const clock = new ManualClock(T_START);
let dir: string;
let exporter: Exporter;
let port: number;

beforeAll(async () => {
  dir = tempDir("early-auth-");
  exporter = await createExporter(testConfig({}, dir), { clock });
  port = (await exporter.listen(0, "127.0.0.1")).port;
});
afterAll(async () => {
  await exporter?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface RawReply {
  status: number;
  headers: string;
  body: string;
}

/** Sends only the request head (no body) and resolves with the reply; fails if none comes in 5 s. */
function headOnly(headers: Record<string, string>, path = "/api/v1/events"): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply before the body was sent; got: ${data}`));
    }, 5000);
    socket.on("data", (d) => {
      data += d.toString();
      const end = data.indexOf("\r\n\r\n");
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(data.slice(0, end))?.[1] ?? 0);
      if (data.length - end - 4 < length) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(data.slice(9, 12)), headers: data.slice(0, end), body: data.slice(end + 4, end + 4 + length) });
    });
    socket.on("error", (err) => (clearTimeout(timer), reject(err)));
    const head = [
      `POST ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      "Content-Type: application/json",
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(`${head.join("\r\n")}\r\n\r\n`);
  });
}

const detail = (r: RawReply) => (JSON.parse(r.body) as { detail: string }).detail;

describe("writes are judged before their body is read (§16)", () => {
  it("401 for a 5 MB Content-Length without signature headers, before the body is sent, and the socket is closed", async () => {
    const r = await headOnly({ "Content-Length": String(FIVE_MB) });
    expect(r.status).toBe(401);
    expect(r.headers).toMatch(/content-type: application\/problem\+json/i);
    expect(r.headers).toMatch(/connection: close/i);
    expect(r.headers).toMatch(/x-content-type-options: nosniff/i);
    expect(detail(r)).toMatch(/X-Timestamp and X-Signature/);
  });

  it.each([
    ["a malformed signature", { "X-Timestamp": "0", "X-Signature": "sha256=zz" }, /X-Signature must be/],
    [
      "a timestamp outside the skew",
      { "X-Timestamp": String(Math.floor(T_START / 1000) - 3600), "X-Signature": `sha256=${"a".repeat(64)}` },
      /from the server's clock/,
    ],
    ["a non-numeric timestamp", { "X-Timestamp": "soon", "X-Signature": `sha256=${"a".repeat(64)}` }, /unix seconds/],
  ])("401 for %s with a 5 MB Content-Length, before the body", async (_what, headers, message) => {
    const r = await headOnly({ ...headers, "Content-Length": String(FIVE_MB) });
    expect(r.status).toBe(401);
    expect(detail(r)).toMatch(message);
  });

  it("413 for well-formed signature headers with a Content-Length over 5 MiB, before the body", async () => {
    const ts = String(Math.floor(clock.now() / 1000));
    const r = await headOnly({ "X-Timestamp": ts, "X-Signature": `sha256=${"b".repeat(64)}`, "Content-Length": String(LIMIT + 1) });
    expect(r.status).toBe(413);
    expect(detail(r)).toMatch(/exceeds/);
  });

  it("still accepts a signed body of normal size over the same path (the checks don't break writes)", async () => {
    const body = JSON.stringify({ type: "trade", bot: "early", id: "e1", pnl: 3 });
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...signedHeaders(SECRET, "POST", "/api/v1/events", body, clock.now()) },
      body,
    });
    expect(res.status).toBe(200);
    expect(exporter.engine.performance("early").total_pnl).toBe(3);
  });

  it("refuses a replayed signature before reading its body", async () => {
    const body = JSON.stringify({ type: "trade", bot: "early", id: "e2", pnl: 1 });
    const headers = signedHeaders(SECRET, "POST", "/api/v1/events", body, clock.now());
    const first = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body,
    });
    expect(first.status).toBe(200);
    const again = await headOnly({ ...headers, "Content-Length": String(Buffer.byteLength(body)) });
    expect(again.status).toBe(401);
    expect(detail(again)).toMatch(/replay/);
  });
});

describe("signature timestamps from before the start are refused (§16)", () => {
  it("a request signed before a restart cannot be replayed after it; signing again works", async () => {
    const d = tempDir("restart-floor-");
    const c = new ManualClock(T_START);
    const body = JSON.stringify({ type: "trade", bot: "floor", id: "f1", pnl: 5 });
    const before = await createExporter(testConfig({}, d), { clock: c });
    const { port: p1 } = await before.listen(0, "127.0.0.1");
    const captured = signedHeaders(SECRET, "POST", "/api/v1/events", body, c.now());
    const post = (p: number, headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${p}/api/v1/events`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });
    expect((await post(p1, captured)).status).toBe(200);
    await before.close();

    c.advance(20_000); // the restart takes 20 s: the captured timestamp is still inside the 300 s skew
    const after = await createExporter(testConfig({}, d), { clock: c });
    try {
      const { port: p2 } = await after.listen(0, "127.0.0.1");
      const replayed = await post(p2, captured);
      expect(replayed.status).toBe(401);
      expect(((await replayed.json()) as { detail: string }).detail).toMatch(/older than the server's start/);
      expect(after.engine.performance("floor").total_pnl).toBe(5);
      // A retrying client signs again: the same event is then acknowledged as a duplicate, not lost.
      const resigned = await post(p2, signedHeaders(SECRET, "POST", "/api/v1/events", body, c.now()));
      expect(resigned.status).toBe(200);
      expect(await resigned.json()).toEqual({ accepted: 0, duplicates: 1 });
    } finally {
      await after.close();
      rmSync(d, { recursive: true, force: true });
    }
  });
});
