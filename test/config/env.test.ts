// Environment overrides (§12): every variable, boolean spellings, implied channel enabling,
// and errors that name the variable.
import { describe, expect, it } from "vitest";
import { ENV_VARS, loadConfig, type Config } from "../../src/config/index.js";
import { configScratch, errorOf } from "./support.js";

const { write } = configScratch("config-env-");

const EMAIL_OK = { SMTP_HOST: "smtp.example.com", EMAIL_FROM: "bot@example.com", EMAIL_TO: "ops@example.com" };
// The base file sets smtp_user, so an enabled email channel also needs the password half.
const PASSWORD = { SMTP_PASSWORD: "env-smtp-password" };
const SECRET = "env-hmac-secret-value-0001";

// [variable, value, extra env needed for a valid config, read the value back, expected]
const rows: [string, string, NodeJS.ProcessEnv, (c: Config) => unknown, unknown][] = [
  ["LISTEN_ADDRESS", "127.0.0.1:9999", {}, (c) => c.listen, "127.0.0.1:9999"],
  ["DATA_DIR", "/srv/te-data", {}, (c) => c.data_dir, "/srv/te-data"],
  ["HMAC_SECRET", `${SECRET}, env-hmac-secret-value-0002`, {}, (c) => c.auth.hmac_secrets, [SECRET, "env-hmac-secret-value-0002"]],
  ["READ_TOKEN", "env-read-token-000000001", {}, (c) => c.auth.read_token, "env-read-token-000000001"],
  ["INITIAL_EQUITY", "2500.5", {}, (c) => c.metrics.initial_equity, 2500.5],
  ["NOTIFICATIONS_ENABLED", "true", {}, (c) => c.notifications.enabled, true],
  ["ALERTS_SLACK_ENABLED", "yes", { SLACK_WEBHOOK: "https://hooks.example.com/s" }, (c) => c.notifications.slack.enabled, true],
  ["SLACK_WEBHOOK", "https://hooks.example.com/slack", {}, (c) => c.notifications.slack.webhook_url, "https://hooks.example.com/slack"],
  ["ALERTS_EMAIL_ENABLED", "1", { ...EMAIL_OK, ...PASSWORD }, (c) => c.notifications.email.enabled, true],
  [
    "SMTP_HOST",
    "mail.example.org",
    { EMAIL_FROM: "a@x.io", EMAIL_TO: "b@x.io", ...PASSWORD },
    (c) => c.notifications.email.smtp_host,
    "mail.example.org",
  ],
  ["SMTP_PORT", "2525", {}, (c) => c.notifications.email.smtp_port, 2525],
  ["SMTP_USER", "mailer", {}, (c) => c.notifications.email.smtp_user, "mailer"],
  ["SMTP_PASSWORD", "env-smtp-password", { SMTP_USER: "mailer" }, (c) => c.notifications.email.smtp_password, "env-smtp-password"],
  ["EMAIL_FROM", "Alerts <alerts@example.com>", {}, (c) => c.notifications.email.from, "Alerts <alerts@example.com>"],
  [
    "EMAIL_TO",
    "a@example.com,b@example.com , c@example.com",
    {},
    (c) => c.notifications.email.to,
    ["a@example.com", "b@example.com", "c@example.com"],
  ],
  ["ALERTS_TELEGRAM_ENABLED", "TRUE", { TELEGRAM_BOT_TOKEN: "1:t", TELEGRAM_CHAT_ID: "5" }, (c) => c.notifications.telegram.enabled, true],
  ["TELEGRAM_BOT_TOKEN", "123:env-token", { TELEGRAM_CHAT_ID: "-100" }, (c) => c.notifications.telegram.bot_token, "123:env-token"],
  ["TELEGRAM_CHAT_ID", "-1009876", {}, (c) => c.notifications.telegram.chat_id, "-1009876"],
  [
    "ALERTS_DISCORD_ENABLED",
    "yes",
    { DISCORD_WEBHOOK: "https://discord.example.com/api/webhooks/1/t" },
    (c) => c.notifications.discord.enabled,
    true,
  ],
  [
    "DISCORD_WEBHOOK",
    "https://discord.example.com/api/webhooks/2/env-token",
    {},
    (c) => c.notifications.discord.webhook_url,
    "https://discord.example.com/api/webhooks/2/env-token",
  ],
];

describe("every environment variable overrides the file", () => {
  // The file sets something different for each key, so the test sees the env win.
  const file = write(
    "base.yaml",
    [
      "listen: 0.0.0.0:1",
      "data_dir: ./file-data",
      "auth: { hmac_secrets: [file-hmac-secret-000001], read_token: file-read-token-0000001 }",
      "metrics: { initial_equity: 1 }",
      "notifications:",
      "  slack: { webhook_url: 'https://file.example.com/s' }",
      "  email: { smtp_host: file.example.com, smtp_port: 25, smtp_user: fileuser, from: f@x.io, to: [f@x.io] }",
      "  telegram: { bot_token: 'file:token', chat_id: 1 }",
      "  discord: { webhook_url: 'https://file.example.com/api/webhooks/1/file-token' }",
    ].join("\n"),
  );

  it("covers exactly the §12 list", () => {
    expect(rows.map((r) => r[0]).sort()).toEqual(ENV_VARS.map((v) => v.name).sort());
  });

  it.each(rows)("%s=%s", (name, value, extra, read, expected) => {
    const config = loadConfig({ file, env: { ...extra, [name]: value } });
    expect(read(config)).toEqual(expected);
  });

  it("TRADING_EXPORTER_CONFIG names the file (tested in load.test.ts), and is not a key", () => {
    const config = loadConfig({ env: { TRADING_EXPORTER_CONFIG: file } });
    expect(config.data_dir).toBe("./file-data");
  });
});

describe("booleans", () => {
  it.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["yes", true],
    ["Yes", true],
    ["false", false],
    ["False", false],
    ["0", false],
    ["no", false],
    ["NO", false],
  ])("NOTIFICATIONS_ENABLED=%s → %s", (text, expected) => {
    expect(loadConfig({ env: { NOTIFICATIONS_ENABLED: text } }).notifications.enabled).toBe(expected);
  });

  it.each(["on", "2", "truthy", "t"])("rejects NOTIFICATIONS_ENABLED=%s naming the variable", (text) => {
    const err = errorOf(() => loadConfig({ env: { NOTIFICATIONS_ENABLED: text } }));
    expect(err.problems).toEqual([
      `environment (NOTIFICATIONS_ENABLED): notifications.enabled: must be true/false, 1/0 or yes/no (got ${JSON.stringify(text)})`,
    ]);
  });
});

describe("bad values name the variable", () => {
  it.each([
    ["SMTP_PORT", "abc", "environment (SMTP_PORT): notifications.email.smtp_port: must be a number"],
    ["SMTP_PORT", "25.5", "environment (SMTP_PORT): notifications.email.smtp_port: must be an integer"],
    ["SMTP_PORT", "70000", "environment (SMTP_PORT): notifications.email.smtp_port: must be an integer between 1 and 65535 (got 70000)"],
    ["INITIAL_EQUITY", "lots", "environment (INITIAL_EQUITY): metrics.initial_equity: must be a number"],
    ["INITIAL_EQUITY", "-5", "environment (INITIAL_EQUITY): metrics.initial_equity: must be a number > 0 (got -5)"],
    ["LISTEN_ADDRESS", "nowhere", "environment (LISTEN_ADDRESS): listen: must be host:port"],
    ["EMAIL_FROM", "not-an-address", "environment (EMAIL_FROM): notifications.email.from: must be an e-mail address"],
    ["EMAIL_TO", "ops@example.com,broken", "environment (EMAIL_TO): notifications.email.to.1: must be an e-mail address"],
    [
      "SLACK_WEBHOOK",
      "hooks.slack.com/x",
      "environment (SLACK_WEBHOOK): notifications.slack.webhook_url: must be an http:// or https:// URL",
    ],
  ])("%s=%s", (name, value, expected) => {
    const err = errorOf(() => loadConfig({ env: { ...EMAIL_OK, ALERTS_EMAIL_ENABLED: "false", [name]: value } }));
    expect(err.message).toContain(expected);
  });

  it("reports every bad variable at once, along with file problems", () => {
    const file = write("bad.yaml", "max_bots: 0\n");
    const err = errorOf(() => loadConfig({ file, env: { SMTP_PORT: "x", ALERTS_SLACK_ENABLED: "maybe" } }));
    expect(err.problems).toHaveLength(3);
    expect(err.message).toContain("environment (SMTP_PORT)");
    expect(err.message).toContain("environment (ALERTS_SLACK_ENABLED)");
    expect(err.message).toContain(`${file}:1: max_bots: must be an integer between 1 and 100000 (got 0)`);
  });

  it("never echoes a secret variable's value", () => {
    const short = "tiny-secret-1";
    const err = errorOf(() => loadConfig({ env: { HMAC_SECRET: `${SECRET},${short}` } }));
    expect(err.problems).toEqual(["environment (HMAC_SECRET): auth.hmac_secrets.1: must be at least 16 characters (got a string)"]);
    expect(err.message).not.toContain(short);
  });
});

describe("credentials enable their channel (credentials present = channel enabled)", () => {
  it("SLACK_WEBHOOK alone enables Slack and the notifications master switch", () => {
    const c = loadConfig({ env: { SLACK_WEBHOOK: "https://hooks.example.com/s" } });
    expect(c.notifications.slack.enabled).toBe(true);
    expect(c.notifications.enabled).toBe(true);
  });

  it("an explicit ALERTS_SLACK_ENABLED=false wins over the webhook", () => {
    const c = loadConfig({ env: { SLACK_WEBHOOK: "https://hooks.example.com/s", ALERTS_SLACK_ENABLED: "false" } });
    expect(c.notifications.slack.enabled).toBe(false);
    // Slack stayed off, but another credential could still turn the master switch on; none here does.
    expect(c.notifications.enabled).toBe(false);
  });

  it("an explicit NOTIFICATIONS_ENABLED=false keeps the master switch off", () => {
    const c = loadConfig({ env: { SLACK_WEBHOOK: "https://hooks.example.com/s", NOTIFICATIONS_ENABLED: "no" } });
    expect(c.notifications.slack.enabled).toBe(true);
    expect(c.notifications.enabled).toBe(false);
  });

  it("SMTP_HOST enables email; missing recipients are reported against the variable", () => {
    const err = errorOf(() => loadConfig({ env: { SMTP_HOST: "smtp.example.com" } }));
    expect(err.problems).toEqual([
      "environment (SMTP_HOST): notifications.email.from: is required when notifications.email.enabled is true",
      "environment (SMTP_HOST): notifications.email.to: is required when notifications.email.enabled is true",
    ]);
  });

  it("TELEGRAM_BOT_TOKEN enables Telegram; a missing chat id is reported against it", () => {
    const err = errorOf(() => loadConfig({ env: { TELEGRAM_BOT_TOKEN: "123:very-secret-token" } }));
    expect(err.message).toBe(
      "environment (TELEGRAM_BOT_TOKEN): notifications.telegram.chat_id: is required when notifications.telegram.enabled is true",
    );
  });

  it("DISCORD_WEBHOOK alone enables Discord and the master switch; ALERTS_DISCORD_ENABLED=false wins; a bad one is named, not echoed", () => {
    const url = "https://discord.com/api/webhooks/123/env-discord-token";
    const on = loadConfig({ env: { DISCORD_WEBHOOK: url } });
    expect([on.notifications.discord.enabled, on.notifications.enabled]).toEqual([true, true]);
    const off = loadConfig({ env: { DISCORD_WEBHOOK: url, ALERTS_DISCORD_ENABLED: "false" } });
    expect([off.notifications.discord.enabled, off.notifications.enabled]).toEqual([false, false]);
    const err = errorOf(() => loadConfig({ env: { DISCORD_WEBHOOK: "discord.com/api/webhooks/1/bare-token" } }));
    expect(err.message).toBe(
      "environment (DISCORD_WEBHOOK): notifications.discord.webhook_url: must be an http:// or https:// URL (got a string)",
    );
    expect(err.message).not.toContain("bare-token");
  });

  it("ALERTS_SLACK_ENABLED=true without a webhook names the variable that enabled it", () => {
    const err = errorOf(() => loadConfig({ env: { ALERTS_SLACK_ENABLED: "true" } }));
    expect(err.message).toContain("environment (ALERTS_SLACK_ENABLED): notifications.slack.webhook_url: is required");
  });

  it("file-enabled channel without its URL is reported against the file, not the environment", () => {
    const file = write("slack-on.yaml", "notifications:\n  slack:\n    enabled: true\n");
    const err = errorOf(() => loadConfig({ file, env: {} }));
    expect(err.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2: notifications\\.slack\\.webhook_url`));
  });
});

describe("environment versus *_file", () => {
  it("an env secret replaces the file's *_file key instead of clashing with it", () => {
    const file = write("with-file.yaml", "notifications:\n  email: { smtp_user: u, smtp_password_file: /does/not/exist }\n");
    const c = loadConfig({ file, env: { SMTP_PASSWORD: "env-pass" } });
    expect(c.notifications.email.smtp_password).toBe("env-pass");
    expect(c.notifications.email.smtp_password_file).toBeUndefined();
  });

  it("HMAC_SECRET replaces auth.hmac_secrets_file", () => {
    const file = write("hmac-file.yaml", "auth: { hmac_secrets_file: /does/not/exist }\n");
    expect(loadConfig({ file, env: { HMAC_SECRET: SECRET } }).auth.hmac_secrets).toEqual([SECRET]);
  });
});

describe("unset and empty variables", () => {
  it("empty or blank variables count as unset (compose passes them through empty)", () => {
    const env = Object.fromEntries(ENV_VARS.map((v) => [v.name, v.name.length % 2 ? "" : "  "]));
    expect(loadConfig({ env })).toEqual(loadConfig({ env: {} }));
  });

  it("unrelated variables are ignored", () => {
    expect(loadConfig({ env: { PATH: "/bin", SLACK: "x", HMAC: "y" } })).toEqual(loadConfig({ env: {} }));
  });
});
