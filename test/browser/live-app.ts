// The real exporter (createExporter: store, engine, alerting, live hub, export router, dashboard)
// on a real port of 127.0.0.1, fed the way a bot feeds it: signed POSTs over HTTP. Shared by the
// browser test and the WebSocket test of the exporter. `close()` stops everything it started.
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { signedHeaders } from "../../src/domain/signature.js";
import { createExporter, type Exporter } from "../../src/exporter.js";
import { SECRET, tempDir, testConfig } from "../support/exporter.js";

export const WEB_DIR = fileURLToPath(new URL("../../web/", import.meta.url));

export interface PostResult {
  status: number;
  body: unknown;
  /** `Date.now()` just before the request was sent. */
  sentAt: number;
  /** `Date.now()` when the response (status line and body) had arrived. */
  answeredAt: number;
}

export interface LiveExporter {
  readonly url: string;
  readonly exporter: Exporter;
  readonly dataDir: string;
  /** A signed POST of `body` (one event or an array) to /api/v1/events, signed at the current time. */
  post(body: unknown): Promise<PostResult>;
  /** GET with the read token as a Bearer header. */
  get(path: string): Promise<Response>;
  /** Stops the exporter and starts a new one on the same data directory and port (a real restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startLiveExporter(readToken: string, partial: Record<string, unknown> = {}): Promise<LiveExporter> {
  const dataDir = tempDir("live-exporter-");
  const config = testConfig({ ...partial, auth: { read_token: readToken } }, dataDir);
  let exporter = await createExporter(config, { webDir: WEB_DIR });
  let port: number;
  try {
    port = (await exporter.listen(0, "127.0.0.1")).port;
  } catch (err) {
    await exporter.close();
    throw err;
  }
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    get exporter() {
      return exporter;
    },
    dataDir,
    async post(body) {
      const raw = JSON.stringify(body);
      // Fresh signature per call: the exporter refuses a reused one as a replay.
      const headers = signedHeaders(SECRET, "POST", "/api/v1/events", raw, Date.now());
      const sentAt = Date.now();
      const res = await fetch(`${url}/api/v1/events`, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: raw,
      });
      const text = await res.text();
      const answeredAt = Date.now();
      return { status: res.status, body: text ? JSON.parse(text) : null, sentAt, answeredAt };
    },
    get(path) {
      return fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${readToken}` } });
    },
    async restart() {
      await exporter.close();
      exporter = await createExporter(config, { webDir: WEB_DIR });
      await exporter.listen(port, "127.0.0.1");
    },
    async close() {
      await exporter.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
