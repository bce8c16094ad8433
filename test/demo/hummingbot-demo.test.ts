// The demo's Hummingbot-style bot: with mosquitto it publishes fills through a real broker and the
// exporter's Hummingbot source turns them into trades; without it the banner says how to get it.
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/index.js";
import { runDemo } from "../../src/demo/run.js";
import { requireBinary } from "../support/binaries.js";

const MOSQUITTO = requireBinary("mosquitto", "apt-get install mosquitto");
const base = () => configSchema.parse({ listen: "127.0.0.1:0" });

async function demo(mosquitto: string | null): Promise<string> {
  let out = "";
  await runDemo(base(), { seed: 7, speed: 20, durationSeconds: 3, mosquitto }, { stdout: { write: (s: string) => (out += s) } });
  return out;
}

describe("demo with a Hummingbot-style bot", () => {
  it.skipIf(!MOSQUITTO.path)(
    "publishes fills through mosquitto that become FIFO trades",
    async () => {
      const out = await demo(MOSQUITTO.path!);
      expect(out).toMatch(/hb-demo-mm\s+a Hummingbot-style market maker publishing fills through mosquitto \(mqtt:\/\/127\.0\.0\.1:\d+\)/);
      const row = /^hb-demo-mm\s+(\d+)\s/m.exec(out);
      expect(row, out).not.toBeNull();
      expect(Number(row![1])).toBeGreaterThan(0);
    },
    30_000,
  );

  it("says how to get mosquitto when it is missing", async () => {
    const out = await demo(null);
    expect(out).toContain("joins when mosquitto is available: install Mosquitto to see it too (Debian/Ubuntu: apt-get install mosquitto");
    expect(out).not.toMatch(/^hb-demo-mm/m);
  }, 30_000);
});
