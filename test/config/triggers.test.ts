// The trigger table of §7 and how file settings combine per bot.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { effectiveTriggers, loadConfig } from "../../src/config/index.js";
import { TRIGGER_DEFAULTS, TRIGGER_IDS, triggerOverrideSchema } from "../../src/domain/trigger-defaults.js";

const tmp = mkdtempSync(join(tmpdir(), "config-triggers-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("TRIGGER_DEFAULTS", () => {
  it("is the §7 table", () => {
    const table = Object.fromEntries(TRIGGER_IDS.map((id) => [id, [TRIGGER_DEFAULTS[id].threshold, TRIGGER_DEFAULTS[id].severity]]));
    expect(table).toEqual({
      daily_drawdown: [0.05, "warning"],
      weekly_drawdown: [0.1, "error"],
      total_drawdown: [0.2, "critical"],
      circuit_breaker_trip: [null, "critical"],
      kill_switch_activation: [null, "critical"],
      consecutive_losses: [10, "warning"],
      low_win_rate: [0.3, "warning"],
      api_disconnected: [null, "error"],
      bot_stale: [null, "error"],
    });
    expect(TRIGGER_IDS.filter((id) => TRIGGER_DEFAULTS[id].min_trades !== null)).toEqual(["low_win_rate"]);
    expect(TRIGGER_DEFAULTS.low_win_rate.min_trades).toBe(10);
  });

  it("cannot be changed by a caller", () => {
    expect(Object.isFrozen(TRIGGER_DEFAULTS)).toBe(true);
  });
});

describe("effectiveTriggers", () => {
  const file = join(tmp, "t.yaml");
  writeFileSync(
    file,
    `triggers:
  daily_drawdown: { threshold: 0.03 }
  low_win_rate: { min_trades: 20, severity: error }
bots:
  alpha:
    triggers:
      daily_drawdown: { severity: critical }
      low_win_rate: { threshold: 0.4 }
      bot_stale: { enabled: false }
`,
  );
  const config = loadConfig({ file, env: {} });

  it("lays a bot's overrides over the global settings, key by key", () => {
    const alpha = effectiveTriggers(config, "alpha");
    expect(alpha.daily_drawdown).toEqual({ enabled: true, threshold: 0.03, severity: "critical", min_trades: null });
    expect(alpha.low_win_rate).toEqual({ enabled: true, threshold: 0.4, severity: "error", min_trades: 20 });
    expect(alpha.bot_stale.enabled).toBe(false);
    expect(alpha.total_drawdown).toEqual(config.triggers.total_drawdown);
  });

  it("gives a bot without a section the global settings", () => {
    expect(effectiveTriggers(config, "unknown-bot")).toEqual(config.triggers);
  });

  it("returns copies: changing the result does not change the config", () => {
    effectiveTriggers(config, "unknown-bot").daily_drawdown.threshold = 0.99;
    expect(config.triggers.daily_drawdown.threshold).toBe(0.03);
  });
});

describe("triggerOverrideSchema (shared with the API's PUT)", () => {
  it("accepts a partial override", () => {
    expect(triggerOverrideSchema("consecutive_losses").parse({ threshold: 5 })).toEqual({ threshold: 5 });
  });

  it.each([
    ["kill_switch_activation", { threshold: 1 }],
    ["daily_drawdown", { min_trades: 3 }],
    ["daily_drawdown", { threshold: 0 }],
    ["daily_drawdown", { threshold: 1.01 }],
    ["consecutive_losses", { threshold: 2.5 }],
    ["low_win_rate", { threshold: -0.1 }],
    ["low_win_rate", { severity: "info" }],
    ["bot_stale", { enabled: "yes" }],
  ] as const)("%s rejects %j", (id, body) => {
    expect(triggerOverrideSchema(id).safeParse(body).success).toBe(false);
  });
});
