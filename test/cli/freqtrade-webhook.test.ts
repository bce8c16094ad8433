// `trading-exporter freqtrade-webhook` prints a block Freqtrade accepts: JSON, the exporter's route
// with the bot, and a template for every message type the receiver maps.
import { describe, expect, it } from "vitest";
import { freqtradeWebhookVerb, TOKEN_PLACEHOLDER } from "../../src/cli/freqtrade-webhook.js";
import { MAPPED_TYPES } from "../../src/sources/freqtrade-webhook-message.js";

function run(args: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = freqtradeWebhookVerb(args, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

describe("freqtrade-webhook verb", () => {
  it("prints the webhook block for config.json", () => {
    const r = run(["--bot", "my-bot.1", "--url", "http://exporter:10077"]);
    expect(r.code).toBe(0);
    const block = (JSON.parse(`{${r.out}}`) as { webhook: Record<string, unknown> }).webhook;
    expect(block.enabled).toBe(true);
    expect(block.format).toBe("json");
    const url = new URL(block.url as string);
    expect(`${url.origin}${url.pathname}`).toBe("http://exporter:10077/api/v1/sources/freqtrade/webhook");
    expect(url.searchParams.get("bot")).toBe("my-bot.1");
    expect(url.searchParams.get("token")).toBe(TOKEN_PLACEHOLDER);
    for (const type of MAPPED_TYPES) expect((block[type] as Record<string, string>).type, type).toBe("{type}");
    expect(r.err).toContain(TOKEN_PLACEHOLDER);
  });

  it("refuses a bad bot name or URL with exit code 2", () => {
    expect(run(["--bot", "bad bot", "--url", "http://x:1"]).code).toBe(2);
    expect(run(["--bot", "b", "--url", "exporter:10077"]).code).toBe(2);
    expect(run(["--bot", "b"]).err).toContain("--url");
  });
});
