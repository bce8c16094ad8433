// An exporter with a Freqtrade webhook configured, its log lines captured (to prove the token never
// shows), and plain unsigned posts the way Freqtrade's `requests.post` sends them.
import { PassThrough } from "node:stream";
import request from "supertest";
import { ManualClock } from "../../src/domain/clock.js";
import { createExporter, type Exporter } from "../../src/exporter.js";
import { createLogger } from "../../src/logger.js";
import { WEBHOOK_TEMPLATES } from "../../src/cli/freqtrade-webhook.js";
import { renderTemplate, type RenderedMessage } from "../fixtures/freqtrade-webhook/messages.js";
import { tempDir, testConfig } from "../support/exporter.js";

export const TOKEN = "ft-webhook-token-0123456789";
export const PATH = "/api/v1/sources/freqtrade/webhook";
export const NOW = Date.UTC(2026, 0, 1, 18);

export interface WebhookHarness {
  exporter: Exporter;
  clock: ManualClock;
  dataDir: string;
  logs: string[];
  /** Renders `msg` through the printed template of its type and posts it like Freqtrade does. */
  send(msg: RenderedMessage, format: "json" | "form", query?: string): request.Test;
  raw(query: string, body: string, contentType: string): request.Test;
  metrics(): Promise<string>;
  stop(removeData?: boolean): Promise<void>;
}

export async function startWebhookHarness(
  partial: Record<string, unknown> = {},
  opts: { dataDir?: string; now?: number } = {},
): Promise<WebhookHarness> {
  const dataDir = opts.dataDir ?? tempDir("te-ftwh-");
  const clock = new ManualClock(opts.now ?? NOW);
  const logs: string[] = [];
  const stream = new PassThrough();
  stream.on("data", (chunk: Buffer) => logs.push(chunk.toString("utf8")));
  const sources = { freqtrade_webhook: [{ bot: "ft", token: TOKEN }], ...((partial.sources as object) ?? {}) };
  const config = testConfig({ ...partial, sources }, dataDir);
  const exporter = await createExporter(config, { clock, logger: createLogger("debug", stream) });
  const agent = request(exporter.app);
  const raw = (query: string, body: string, contentType: string) =>
    agent.post(`${PATH}?${query}`).set("Content-Type", contentType).send(body);
  return {
    exporter,
    clock,
    dataDir,
    logs,
    raw,
    send(msg, format, query = `bot=ft&token=${TOKEN}`) {
      const template = WEBHOOK_TEMPLATES[msg.type!];
      if (!template) throw new Error(`no template for ${msg.type}`);
      const body = renderTemplate(template, msg);
      return format === "json"
        ? raw(query, JSON.stringify(body), "application/json")
        : raw(query, new URLSearchParams(body).toString(), "application/x-www-form-urlencoded");
    },
    async metrics() {
      return (await agent.get("/metrics")).text;
    },
    async stop(removeData = true) {
      await exporter.close();
      if (removeData) (await import("node:fs")).rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
