// Loading files: the full example, defaults, empty/missing files and the listen address.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, listenAddress, metricsSettings, parseConfig, type Config } from "../../src/config/index.js";
import { configScratch, errorOf } from "./support.js";

const FULL = join(import.meta.dirname, "../fixtures/config/full.yaml");
const { dir: tmp, write } = configScratch("config-load-");

describe("defaults (§2, §5–§7, §12)", () => {
  const config = loadConfig({ env: {} });

  it("match the reference's numbers", () => {
    expect(config.listen).toBe("0.0.0.0:10077");
    expect(config.data_dir).toBe("./data");
    expect(config.max_bots).toBe(100);
    expect(config.retention_days).toBeUndefined();
    expect(config.log_level).toBe("info");
    expect(config.auth).toEqual({ hmac_secrets: [], max_clock_skew_seconds: 300 });
    expect(config.ingest).toEqual({ max_future_seconds: 300 });
    expect(config.storage).toEqual({ min_free_bytes: 268_435_456 });
    expect(config.metrics).toEqual({
      initial_equity: 10_000,
      window_trades: 100,
      annualization_factor: 365,
      daily_window_days: 90,
      daily_annualization_factor: 365,
      timezone: "UTC",
      cagr_min_days: 30,
    });
    expect(config.health).toEqual({ position_utilization_degraded: 0.8, stale_after_seconds: 600 });
    expect(config.api_probe).toEqual({
      interval_seconds: 30,
      timeout_seconds: 5,
      degraded_latency_ms: 1000,
      failures_before_disconnected: 3,
    });
    expect(config.alerts).toEqual({
      cooldown_seconds: 300,
      repeat_interval_seconds: 3600,
      send_resolved: true,
      history_size: 1000,
      evaluation_interval_seconds: 5,
      test_rate_limit_per_minute: 6,
    });
    expect(config.websocket).toEqual({
      metrics_interval_ms: 250,
      max_buffered_bytes: 1024 * 1024,
      ping_interval_seconds: 30,
      allowed_origins: [],
      max_clients: 1000,
      max_messages_per_second: 10,
    });
    expect(config.http).toEqual({ cors_origins: [] });
  });

  it("have no notification channel (§2)", () => {
    const n = config.notifications;
    expect([n.enabled, n.slack.enabled, n.email.enabled, n.telegram.enabled, n.webhook.enabled, n.discord.enabled]).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(n.email.smtp_port).toBe(587);
    expect(n.email.smtp_secure).toBe(false);
    expect(n.telegram.api_base_url).toBe("https://api.telegram.org");
  });

  it("have every §7 trigger enabled with its table threshold and severity", () => {
    expect(config.triggers.daily_drawdown).toEqual({ enabled: true, threshold: 0.05, severity: "warning", min_trades: null });
    expect(config.triggers.weekly_drawdown).toEqual({ enabled: true, threshold: 0.1, severity: "error", min_trades: null });
    expect(config.triggers.total_drawdown).toEqual({ enabled: true, threshold: 0.2, severity: "critical", min_trades: null });
    expect(config.triggers.consecutive_losses.threshold).toBe(10);
    expect(config.triggers.low_win_rate).toEqual({ enabled: true, threshold: 0.3, severity: "warning", min_trades: 10 });
    expect(config.triggers.kill_switch_activation).toEqual({ enabled: true, threshold: null, severity: "critical", min_trades: null });
    expect(config.triggers.bot_stale.severity).toBe("error");
  });

  it("are the same for an empty file and a comments-only file as for no file", () => {
    expect(loadConfig({ file: write("empty.yaml", ""), env: {} })).toEqual(config);
    expect(loadConfig({ file: write("comments.yaml", "# nothing set yet\n\n"), env: {} })).toEqual(config);
    expect(loadConfig({ file: write("null.yaml", "~\n"), env: {} })).toEqual(config);
  });

  it("fill in sections that are present but empty", () => {
    const c = loadConfig({ file: write("sections.yaml", "metrics: {}\nnotifications:\n  slack: {}\ntriggers: {}\n"), env: {} });
    expect(c).toEqual(config);
  });
});

describe("full.yaml", () => {
  it("loads every key into the typed Config", () => {
    const c: Config = loadConfig({ file: FULL, env: {} });
    expect(c).toEqual({
      listen: "[::1]:9109",
      data_dir: "/var/lib/trading-exporter",
      max_bots: 25,
      external_url: "https://grafana.example.com/d/trading",
      retention_days: 30,
      log_level: "debug",
      auth: {
        hmac_secrets: ["fixture-hmac-secret-current-0001", "fixture-hmac-secret-previous-002"],
        read_token: "fixture-read-token-0123456789",
        max_clock_skew_seconds: 120,
      },
      ingest: { max_future_seconds: 120 },
      storage: { min_free_bytes: 1_073_741_824 },
      metrics: {
        initial_equity: 5000,
        window_trades: 200,
        annualization_factor: 252,
        daily_window_days: 30,
        daily_annualization_factor: 252,
        timezone: "Europe/Berlin",
        cagr_min_days: 60,
      },
      bots: {
        alpha: {
          initial_equity: 2500.5,
          triggers: { daily_drawdown: { threshold: 0.02, severity: "error" }, low_win_rate: { min_trades: 20 } },
        },
        "beta.v2": { triggers: { kill_switch_activation: { enabled: false } } },
      },
      groups: { fleet: ["alpha", "beta.v2"] },
      groups_triggers: { total_drawdown: { threshold: 0.15 }, daily_drawdown: { enabled: false, severity: "error" } },
      health: { position_utilization_degraded: 0.9, stale_after_seconds: 300 },
      api_probe: {
        url: "http://127.0.0.1:8080/api/v1/ping",
        interval_seconds: 10,
        timeout_seconds: 2.5,
        degraded_latency_ms: 400,
        failures_before_disconnected: 5,
        bot: "alpha",
      },
      triggers: {
        daily_drawdown: { enabled: true, threshold: 0.04, severity: "warning", min_trades: null },
        weekly_drawdown: { enabled: true, threshold: 0.08, severity: "error", min_trades: null },
        total_drawdown: { enabled: true, threshold: 0.25, severity: "critical", min_trades: null },
        circuit_breaker_trip: { enabled: true, threshold: null, severity: "error", min_trades: null },
        kill_switch_activation: { enabled: true, threshold: null, severity: "critical", min_trades: null },
        consecutive_losses: { enabled: true, threshold: 7, severity: "error", min_trades: null },
        low_win_rate: { enabled: true, threshold: 0.35, severity: "warning", min_trades: 15 },
        api_disconnected: { enabled: false, threshold: null, severity: "error", min_trades: null },
        bot_stale: { enabled: true, threshold: null, severity: "warning", min_trades: null },
      },
      alerts: {
        cooldown_seconds: 600,
        repeat_interval_seconds: 7200,
        send_resolved: false,
        history_size: 500,
        evaluation_interval_seconds: 10,
        test_rate_limit_per_minute: 3,
      },
      digests: {
        daily: { enabled: true, at: "07:30", channels: ["slack", "email"] },
        weekly: { enabled: true, day: "friday", at: "18:00", channels: [] },
        catch_up_hours: 4,
      },
      websocket: {
        metrics_interval_ms: 500,
        max_buffered_bytes: 2_097_152,
        ping_interval_seconds: 15,
        allowed_origins: ["https://grafana.example", "http://localhost:3000"],
        max_clients: 50,
        max_messages_per_second: 5,
      },
      http: { cors_origins: ["https://grafana.example"] },
      notifications: {
        enabled: true,
        slack: { enabled: true, webhook_url: "https://hooks.slack.com/services/T000/B000/fixture-slack-path" },
        email: {
          enabled: true,
          smtp_host: "smtp.example.com",
          smtp_port: 465,
          smtp_secure: true,
          smtp_user: "alerts@example.com",
          smtp_password: "fixture-smtp-password",
          from: "Trading alerts <alerts@example.com>",
          to: ["ops@example.com", "Desk <desk@example.com>"],
        },
        telegram: {
          enabled: true,
          bot_token: "123456:fixture-telegram-token",
          chat_id: "-1001234567890",
          api_base_url: "http://127.0.0.1:8081",
        },
        webhook: { enabled: true, url: "https://hooks.example.com/trading", secret: "fixture-webhook-secret-0001" },
        discord: { enabled: true, webhook_url: "https://discord.com/api/webhooks/123456789012345678/fixture-discord-token" },
      },
      sources: {
        freqtrade: [
          {
            bot: "alpha",
            url: "http://127.0.0.1:8080",
            username: "freqtrader",
            password: "fixture-freqtrade-password",
            poll_interval_seconds: 30,
          },
        ],
        jsonl: [
          { bot: "gamma", path: "/var/log/bots/gamma.jsonl" },
          { bot: "default", path: "/var/log/bots/misc.jsonl" },
        ],
        freqtrade_webhook: [{ bot: "alpha", token: "fixture-webhook-token-0001" }],
        hummingbot: [
          {
            url: "mqtt://127.0.0.1:1883",
            username: "hbot",
            password: "fixture-mqtt-password",
            namespace: "hbot",
            instances: ["pmm-1", "arb-2"],
            bot_prefix: "hb-",
            reconnect_max_seconds: 30,
          },
        ],
      },
    });
  });

  it("gives the engine its metrics settings with per-bot initial equity", () => {
    const c = loadConfig({ file: FULL, env: {} });
    expect(metricsSettings(c)).toEqual({
      initial_equity: 5000,
      window_trades: 200,
      annualization_factor: 252,
      daily_window_days: 30,
      daily_annualization_factor: 252,
      timezone: "Europe/Berlin",
      cagr_min_days: 60,
      bots: { alpha: { initial_equity: 2500.5 } },
      groups: { fleet: ["alpha", "beta.v2"] },
    });
  });
});

describe("choosing the file", () => {
  it("reads TRADING_EXPORTER_CONFIG when no file is given", () => {
    const file = write("from-env.yaml", "max_bots: 7\n");
    expect(loadConfig({ env: { TRADING_EXPORTER_CONFIG: file } }).max_bots).toBe(7);
  });

  it("prefers the explicit file over TRADING_EXPORTER_CONFIG", () => {
    const a = write("a.yaml", "max_bots: 1\n");
    const b = write("b.yaml", "max_bots: 2\n");
    expect(loadConfig({ file: a, env: { TRADING_EXPORTER_CONFIG: b } }).max_bots).toBe(1);
  });

  it("fails, naming the file, when a named file does not exist", () => {
    const missing = join(tmp, "nope.yaml");
    const err = errorOf(() => loadConfig({ file: missing, env: {} }));
    expect(err.message).toBe(`${missing}: cannot read the config file (ENOENT)`);
  });

  it("reports an unresolved alias as a YAML error naming the file", () => {
    const file = write("alias.yaml", "metrics: *nowhere\n");
    expect(errorOf(() => loadConfig({ file, env: {} })).message).toContain(file);
  });
});

describe("strictness that fixtures don't show", () => {
  it("reports problems with the line of the offending key", () => {
    const file = write("lines.yaml", "max_bots: 10\n\nmetrics:\n  timezone: UTC\n  window_trades: -1\n");
    expect(errorOf(() => loadConfig({ file, env: {} })).problems).toEqual([
      `${file}:5: metrics.window_trades: must be an integer between 1 and 100000 (got -1)`,
    ]);
  });

  it("accepts `to` as one comma-separated string", () => {
    const file = write("to.yaml", "notifications:\n  email: {enabled: true, smtp_host: mx, from: a@x.io, to: 'b@x.io, c@x.io'}\n");
    expect(loadConfig({ file, env: {} }).notifications.email.to).toEqual(["b@x.io", "c@x.io"]);
  });

  it("keeps a numeric telegram chat id as a string", () => {
    const file = write("chat.yaml", "notifications:\n  telegram: {chat_id: 42}\n");
    expect(loadConfig({ file, env: {} }).notifications.telegram.chat_id).toBe("42");
  });

  it.each(["NaN", ".nan", ".inf", "-.inf"])("rejects the non-finite number %s", (text) => {
    const file = write("nonfinite.yaml", `metrics:\n  annualization_factor: ${text}\n`);
    expect(errorOf(() => loadConfig({ file, env: {} })).message).toContain("metrics.annualization_factor: must be a number");
  });
});

describe("listenAddress", () => {
  it.each([
    ["0.0.0.0:10077", "0.0.0.0", 10077],
    ["[::1]:0", "::1", 0],
    ["[::]:9100", "::", 9100],
    ["localhost:80", "localhost", 80],
    [":9100", "0.0.0.0", 9100],
  ])("%s → host %s, port %d", (listen, host, port) => {
    expect(listenAddress({ listen })).toEqual({ host, port });
  });

  it.each(["10077", "host:", "host:65536", "::1:80", "a b:80", "[::1]"])("rejects %s in the file", (listen) => {
    const file = write("listen.yaml", `listen: "${listen}"\n`);
    expect(errorOf(() => loadConfig({ file, env: {} })).message).toContain("listen: must be host:port");
  });
});

describe("origins (§16)", () => {
  it.each([
    "https://grafana.example/",
    "https://grafana.example/d/x",
    "grafana.example",
    "ftp://grafana.example",
    "HTTPS://Grafana.example",
    "http://localhost:80",
  ])("rejects %s, naming the key", (origin) => {
    const message = errorOf(() => parseConfig({ websocket: { allowed_origins: [origin] }, http: { cors_origins: [origin] } })).message;
    expect(message).toContain("websocket.allowed_origins.0");
    expect(message).toContain("http.cors_origins.0");
    expect(message).toMatch(/must be an origin/);
  });

  it("accepts origins as browsers send them", () => {
    const c = parseConfig({
      websocket: { allowed_origins: ["http://localhost:3000", "https://[::1]:8443"] },
      http: { cors_origins: ["https://a.example"] },
    });
    expect(c.websocket.allowed_origins).toEqual(["http://localhost:3000", "https://[::1]:8443"]);
    expect(c.http.cors_origins).toEqual(["https://a.example"]);
  });
});

describe("parseConfig (a config given as an object, for the library)", () => {
  it("applies the same defaults and rules as a file", () => {
    expect(parseConfig({})).toEqual(loadConfig({ env: {} }));
    expect(parseConfig({ metrics: { window_trades: 50 } }).metrics.window_trades).toBe(50);
    expect(errorOf(() => parseConfig({ metrics: { windw_trades: 50 } })).message).toBe(
      'config: unknown key "metrics.windw_trades" (did you mean "window_trades"?)',
    );
  });

  it("ignores process.env unless given an env", () => {
    expect(parseConfig({}, { env: { DATA_DIR: "/elsewhere" } }).data_dir).toBe("/elsewhere");
    expect(parseConfig({}).data_dir).toBe("./data");
  });

  it("rejects a non-mapping, naming the source", () => {
    expect(errorOf(() => parseConfig([1], { source: "createExporter()" })).message).toBe(
      "createExporter(): the config must be a mapping of keys (got a list)",
    );
  });

  it("reads *_file secrets relative to baseDir", () => {
    writeFileSync(join(tmp, "token"), "object-read-token-000001\n");
    expect(parseConfig({ auth: { read_token_file: "token" } }, { baseDir: tmp }).auth.read_token).toBe("object-read-token-000001");
  });
});
