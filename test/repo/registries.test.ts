// The registries of the extension points: every list that names channels is derived from
// src/notify/channels/index.ts, every list that names sources from src/sources/definitions/index.ts,
// every list that names triggers from src/domain/triggers/index.ts.
// Each check below walks a registry and fails if one consumer (config schema, environment
// variables, secret files and redaction, the test-message route, the OpenAPI document, the client's
// type, buildChannels, startSources, the trigger table, the notifier's wording, the Prometheus
// rules) misses an entry or names one it does not have.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALERTS, GROUP_ALERTS } from "../../src/bundle/alert-catalog.js";
import type { AlertChannel } from "../../src/client.js";
import { configSchema, ENV_VARS, isSecretKey, knownKeysAt, loadConfig, redactConfig, type ConfigInput } from "../../src/config/index.js";
import { TRIGGER_DEFAULTS, TRIGGER_IDS as TABLE_IDS } from "../../src/domain/trigger-defaults.js";
import { effectiveTriggerTable } from "../../src/domain/triggers.js";
import { GROUP_TRIGGER_IDS } from "../../src/domain/group-triggers.js";
import { GROUP_TRIGGERS, TRIGGERS } from "../../src/domain/triggers/index.js";
import type { IngestPipeline } from "../../src/ingest/pipeline.js";
import { alertTestSchema } from "../../src/http/alerts-router.js";
import { LOG_REDACT_PATHS, silentLogger } from "../../src/logger.js";
import { buildChannels, type NotificationsSettings } from "../../src/notify/build.js";
import { CHANNEL_DEFINITIONS, CHANNEL_NAMES, CHANNELS, type ChannelName } from "../../src/notify/channels/index.js";
import { triggerText } from "../../src/notify/trigger-text.js";
import { openApiDocument } from "../../src/openapi/document.js";
import { SOURCE_DEFINITIONS, SOURCE_KEYS, SOURCES, type SourceKey } from "../../src/sources/definitions/index.js";
import { startSources } from "../../src/sources/start.js";
import type { Journal } from "../../src/store/journal.js";
import { tempDir } from "../support/exporter.js";

/** True only when A and B are the same type; a mismatch fails `tsc` (and so `npm test` and CI). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const clientNamesEveryChannel: Same<AlertChannel, ChannelName | "all"> = true;

/** One working section per channel: typed by the registry, so a new channel without one fails to compile. */
const WORKING: { [N in ChannelName]: NonNullable<NotificationsSettings[N]> } = {
  slack: { enabled: true, webhook_url: "http://127.0.0.1:9/services/T/B/x" },
  email: { enabled: true, smtp_host: "127.0.0.1", smtp_port: 2525, from: "a@example.com", to: ["b@example.com"] },
  telegram: { enabled: true, bot_token: "1:t", chat_id: "7", api_base_url: "http://127.0.0.1:9" },
  webhook: { enabled: true, url: "http://127.0.0.1:9/h", secret: "hook-secret-0123456789" },
  discord: { enabled: true, webhook_url: "http://127.0.0.1:9/api/webhooks/1/x" },
};

describe("the channel registry", () => {
  const names = CHANNELS.map((c) => c.name);

  it("lists each channel once, and its names are what the rest reads", () => {
    expect(names.length).toBeGreaterThanOrEqual(4);
    expect(new Set(names).size).toBe(names.length);
    expect(CHANNEL_NAMES).toEqual(names);
    expect(clientNamesEveryChannel).toBe(true);
  });

  it("the config schema has exactly one notifications.<name> section per channel", () => {
    expect(knownKeysAt(["notifications"])).toEqual(["enabled", ...names]);
    for (const c of CHANNEL_DEFINITIONS) {
      expect(knownKeysAt(["notifications", c.name])[0], c.name).toBe("enabled");
      for (const s of c.secrets) expect(knownKeysAt(["notifications", c.name]), c.name).toContain(`${s.key}_file`);
    }
  });

  it("the test-message route and the OpenAPI document accept exactly the channels (and all)", () => {
    for (const name of names) expect(alertTestSchema.parse({ channel: name }).channel).toBe(name);
    expect(alertTestSchema.safeParse({ channel: "carrier-pigeon" }).success).toBe(false);
    const schemas = (openApiDocument() as unknown as { components: { schemas: Record<string, any> } }).components.schemas;
    expect(schemas.AlertTestRequest.properties.channel.enum).toEqual([...names, "all"]);
    expect(schemas.AlertTestResponse.properties.results.items.properties.channel.enum).toEqual(names);
    expect(schemas.Delivery.properties.channel.enum).toEqual(names);
  });

  it("every channel variable sets a key of its own section, and every notifications variable belongs to a channel", () => {
    for (const c of CHANNEL_DEFINITIONS) {
      const declared = [...(c.env.enabled ? [c.env.enabled] : []), ...c.env.vars.map((v) => v.name)];
      const derived = ENV_VARS.filter((v) => v.path[0] === "notifications" && v.path[1] === c.name);
      expect(
        derived.map((v) => v.name),
        c.name,
      ).toEqual(declared);
      for (const v of derived) expect(knownKeysAt(["notifications", c.name]), v.name).toContain(v.path[2]);
      // A variable carrying a secret is never echoed and replaces the file variant.
      for (const v of derived.filter((d) => c.secrets.some((s) => s.key === d.path[2]))) {
        expect(v, v.name).toMatchObject({ secret: true, replaces: `${v.path[2]}_file` });
      }
    }
    const channelVars = ENV_VARS.filter((v) => v.path[0] === "notifications" && v.path.length > 2);
    expect(channelVars.every((v) => (names as string[]).includes(v.path[1]!))).toBe(true);
  });

  it("every secret key is read from its _file, redacted in printed config and censored by the logger", () => {
    const dir = tempDir("te-registry-");
    // Valid for every check a secret's file has: an http(s) URL, longer than the shortest shared secret.
    const value = "https://hooks.example.invalid/registry-secret-0123456789";
    const sections: Record<string, Record<string, string>> = {};
    for (const c of CHANNEL_DEFINITIONS) {
      sections[c.name] = {};
      for (const s of c.secrets) {
        const file = join(dir, `${c.name}-${s.key}`);
        writeFileSync(file, `${value}\n`);
        sections[c.name]![`${s.key}_file`] = file;
      }
    }
    const configFile = join(dir, "config.yaml");
    writeFileSync(configFile, JSON.stringify({ notifications: sections }));
    const config = loadConfig({ file: configFile, env: {} });
    const printed = JSON.stringify(redactConfig(config));
    for (const c of CHANNEL_DEFINITIONS) {
      expect(c.secrets.length, `${c.name} declares its secret`).toBeGreaterThan(0);
      for (const s of c.secrets) {
        expect((config.notifications as unknown as Record<string, Record<string, unknown>>)[c.name]![s.key], `${c.name}.${s.key}`).toBe(
          value,
        );
        expect(isSecretKey(s.key), s.key).toBe(true);
        expect(LOG_REDACT_PATHS, s.key).toContain(`*.${s.key}`);
      }
    }
    expect(printed).not.toContain("registry-secret");
    rmSync(dir, { recursive: true, force: true });
  });

  it("buildChannels builds every enabled channel, in registry order, and none while notifications are off", () => {
    const all = { enabled: true, ...WORKING } as NotificationsSettings;
    expect(buildChannels(all).map((c) => c.name)).toEqual(names);
    expect(buildChannels({ ...all, enabled: false })).toEqual([]);
    for (const name of names) {
      expect(buildChannels({ enabled: true, [name]: WORKING[name] }).map((c) => c.name)).toEqual([name]);
    }
  });
});

/** One valid entry per source, secrets inline: typed by the registry, so a new source without one fails to compile. */
const ENTRY: { [K in SourceKey]: Record<string, unknown> } = {
  freqtrade: { bot: "ft", url: "http://127.0.0.1:9", username: "u", password: "p" },
  jsonl: { bot: "log", path: join(tempDir("te-registry-jsonl-"), "events.jsonl") },
  freqtrade_webhook: { bot: "hook", token: "webhook-token-0123456789" },
  hummingbot: { url: "mqtt://127.0.0.1:9", password: "broker-password" },
};

describe("the source registry", () => {
  const keys = SOURCES.map((s) => s.key);

  it("lists each source once", () => {
    expect(keys.length).toBeGreaterThanOrEqual(4);
    expect(new Set(keys).size).toBe(keys.length);
    expect(SOURCE_KEYS).toEqual(keys);
  });

  it("the config schema has exactly one sources.<key> list per source, with every secret's _file", () => {
    expect(knownKeysAt(["sources"])).toEqual(keys);
    for (const s of SOURCE_DEFINITIONS) {
      for (const secret of s.secrets) expect(knownKeysAt(["sources", s.key, 0]), s.key).toContain(`${secret.key}_file`);
    }
  });

  it("every secret key is read from its _file, redacted in printed config and censored by the logger", () => {
    const dir = tempDir("te-registry-");
    const value = "registry-source-secret-0123456789";
    const sources: Record<string, Record<string, unknown>[]> = {};
    for (const s of SOURCE_DEFINITIONS) {
      const entry = { ...ENTRY[s.key as SourceKey] };
      for (const secret of s.secrets) {
        const file = join(dir, `${s.key}-${secret.key}`);
        writeFileSync(file, `${value}\n`);
        delete entry[secret.key];
        entry[`${secret.key}_file`] = file;
      }
      sources[s.key] = [entry];
    }
    const configFile = join(dir, "config.yaml");
    writeFileSync(configFile, JSON.stringify({ sources }));
    const config = loadConfig({ file: configFile, env: {} });
    for (const s of SOURCE_DEFINITIONS) {
      for (const secret of s.secrets) {
        expect(
          (config.sources as unknown as Record<string, Record<string, unknown>[]>)[s.key]![0]![secret.key],
          `${s.key}.${secret.key}`,
        ).toBe(value);
        expect(isSecretKey(secret.key), secret.key).toBe(true);
        expect(LOG_REDACT_PATHS, secret.key).toContain(`*.${secret.key}`);
      }
    }
    expect(JSON.stringify(redactConfig(config))).not.toContain(value);
    rmSync(dir, { recursive: true, force: true });
  });

  it("startSources starts the configured entries of every source, and nothing unconfigured", async () => {
    const sink = {
      ingest: () => Promise.resolve({ accepted: 0, duplicates: 0 }),
      ingestWithState: () => Promise.resolve({ accepted: 0, duplicates: 0 }),
    };
    const journal = { stateGet: () => undefined, stateSet: () => undefined };
    const wiring = {
      pipeline: sink as unknown as IngestPipeline,
      journal: journal as unknown as Journal,
      clock: { now: () => Date.now() },
      logger: silentLogger,
      knownMaxPositions: () => null,
    };
    const started = async (sources: ConfigInput["sources"]) => {
      const ways = await startSources(configSchema.parse({ sources }), wiring);
      await Promise.all(ways.sources.map((s) => s.stop()));
      return ways.sources;
    };
    expect(await started({})).toEqual([]);
    for (const key of keys) {
      const sources = await started({ [key]: [ENTRY[key]] });
      expect(sources.length, key).toBe(1);
    }
  });
});

describe("the trigger registry", () => {
  const ids = TRIGGERS.map((t) => t.id);

  it("lists each trigger once; the trigger table and its defaults are read from it", () => {
    expect(ids.length).toBeGreaterThanOrEqual(9);
    expect(new Set(ids).size).toBe(ids.length);
    expect(TABLE_IDS).toEqual(ids);
    for (const t of TRIGGERS) {
      expect(TRIGGER_DEFAULTS[t.id], t.id).toEqual({
        threshold: t.threshold?.default ?? null,
        severity: t.severity,
        min_trades: t.minTrades,
        condition: t.condition,
      });
    }
    expect(effectiveTriggerTable(["alpha"]).map((r) => r.trigger)).toEqual(ids);
  });

  it("the config has a section per trigger, globally and per bot", () => {
    expect(knownKeysAt(["triggers"])).toEqual(ids);
    expect(knownKeysAt(["bots", "alpha", "triggers"])).toEqual(ids);
    for (const t of TRIGGERS) {
      // A threshold only where the trigger has one; min_trades only where it waits for trades.
      expect(knownKeysAt(["triggers", t.id]).includes("threshold"), t.id).toBe(t.threshold !== null);
      expect(knownKeysAt(["triggers", t.id]).includes("min_trades"), t.id).toBe(t.minTrades !== null);
    }
  });

  it("the OpenAPI document names exactly the triggers", () => {
    const doc = openApiDocument() as unknown as { components: { schemas: Record<string, any> }; paths: Record<string, any> };
    // A record is a bot's (any trigger) or a group's (the group triggers).
    const record = doc.components.schemas.AlertRecord.anyOf.find((r: { properties: object }) => "bot" in r.properties);
    expect(record.properties.trigger.enum).toEqual(ids);
    const put = doc.paths["/api/v1/alerts/triggers/{trigger}"].put;
    expect(put.parameters.find((p: { name: string }) => p.name === "trigger").schema.enum).toEqual(ids);
  });

  it("each trigger has its own wording in notifications and one Prometheus rule with its id and severity", () => {
    for (const t of TRIGGERS) {
      expect(triggerText(t.id), t.id).toEqual({ description: t.meaning, ...t.value });
      const rules = ALERTS.filter((a) => a.trigger === t.id);
      expect(
        rules.map((r) => [r.alert, r.severity]),
        t.id,
      ).toEqual([[t.rule.alert, t.severity]]);
      expect(rules[0]!.expr, t.id).toContain(`trading_alert_enabled{trigger="${t.id}"} == 1`);
    }
    expect(new Set(ALERTS.map((a) => a.alert)).size).toBe(ALERTS.length);
  });

  it("the triggers with a group part are the group triggers: config, OpenAPI and rules name exactly those", () => {
    const groupIds = GROUP_TRIGGERS.map((t) => t.id);
    expect(groupIds.length).toBeGreaterThan(0);
    expect(GROUP_TRIGGER_IDS).toEqual(groupIds);
    expect(knownKeysAt(["groups_triggers"])).toEqual(groupIds);
    const schemas = (openApiDocument() as unknown as { components: { schemas: Record<string, any> } }).components.schemas;
    const groupEnums = JSON.stringify(schemas).match(/"enum":\[[^\]]*\]/g) ?? [];
    expect(groupEnums).toContain(`"enum":${JSON.stringify(groupIds)}`);
    for (const t of GROUP_TRIGGERS) {
      const rules = GROUP_ALERTS.filter((a) => a.trigger === t.id);
      expect(
        rules.map((r) => [r.alert, r.severity]),
        t.id,
      ).toEqual([[t.group.rule.alert, t.severity]]);
      expect(rules[0]!.expr, t.id).toContain(`trading_group_alert_enabled{trigger="${t.id}"} == 1`);
    }
  });
});
