// Secrets: `<key>_file` values are read at load time, and no secret value ever reaches an error
// message or the output of redactConfig.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, redactConfig, REDACTED } from "../../src/config/index.js";
import { configScratch, errorOf } from "./support.js";

const { dir: tmp, write } = configScratch("config-secrets-");

const S = {
  hmac1: "file-hmac-secret-aaaaaaaa",
  hmac2: "file-hmac-secret-bbbbbbbb",
  read: "file-read-token-cccccccc",
  slack: "https://hooks.slack.com/services/T1/B2/file-slack-dddd",
  smtp: "file-smtp-password-eeee",
  telegram: "999:file-telegram-token-ffff",
  webhook: "file-webhook-secret-gggg",
  freqtrade: "file-freqtrade-password-hhhh",
  ftWebhook: "file-ft-webhook-token-iiii",
  mqtt: "file-mqtt-password-jjjj",
};

describe("*_file secrets", () => {
  // Relative paths resolve against the config file's directory, not the working directory.
  write("conf/secrets/hmac", `# current first\n${S.hmac1}\n\n  ${S.hmac2}  \n`);
  write("conf/secrets/read", `${S.read}\n`);
  write("conf/secrets/slack", `  ${S.slack}\n`);
  write("conf/secrets/smtp", `${S.smtp}\r\n`);
  write("conf/secrets/telegram", S.telegram);
  write("abs-webhook", `${S.webhook}\n`);
  write("conf/secrets/freqtrade", `${S.freqtrade}\n`);
  write("conf/secrets/ft-webhook", `${S.ftWebhook}\n`);
  write("conf/secrets/mqtt", `${S.mqtt}\n`);
  const file = write(
    "conf/exporter.yaml",
    `auth:
  hmac_secrets_file: secrets/hmac
  read_token_file: ./secrets/read
notifications:
  slack: { enabled: true, webhook_url_file: secrets/slack }
  email: { enabled: true, smtp_host: mx, smtp_user: u, smtp_password_file: secrets/smtp, from: a@x.io, to: b@x.io }
  telegram: { enabled: true, bot_token_file: secrets/telegram, chat_id: 5 }
  webhook: { enabled: true, url: "https://hooks.example.com/w", secret_file: ${join(tmp, "abs-webhook")} }
sources:
  freqtrade:
    - { bot: ft, url: "http://127.0.0.1:8080", username: u, password_file: secrets/freqtrade }
  freqtrade_webhook:
    - { bot: ft, token_file: secrets/ft-webhook }
  hummingbot:
    - { url: "mqtt://127.0.0.1:1883", username: hb, password_file: secrets/mqtt }
`,
  );

  it("are read, trimmed, relative to the config file", () => {
    const c = loadConfig({ file, env: {} });
    expect(c.auth.hmac_secrets).toEqual([S.hmac1, S.hmac2]);
    expect(c.auth.read_token).toBe(S.read);
    expect(c.notifications.slack.webhook_url).toBe(S.slack);
    expect(c.notifications.email.smtp_password).toBe(S.smtp);
    expect(c.notifications.telegram.bot_token).toBe(S.telegram);
    expect(c.notifications.webhook.secret).toBe(S.webhook);
    expect(c.sources.freqtrade[0]!.password).toBe(S.freqtrade);
    expect(c.sources.freqtrade_webhook[0]!.token).toBe(S.ftWebhook);
    expect(c.sources.hummingbot[0]!.password).toBe(S.mqtt);
    // The path stays, so check-config can show where a secret came from.
    expect(c.notifications.slack.webhook_url_file).toBe("secrets/slack");
  });

  it("redactConfig hides every one of them and keeps the rest", () => {
    const c = loadConfig({ file, env: {} });
    const before = JSON.stringify(c);
    const redacted = redactConfig(c);
    const text = JSON.stringify(redacted);
    for (const secret of Object.values(S)) expect(text).not.toContain(secret);
    expect(redacted.auth.hmac_secrets).toEqual([REDACTED, REDACTED]);
    expect(redacted.notifications.slack.webhook_url).toBe(REDACTED);
    expect(redacted.sources.freqtrade[0]!.password).toBe(REDACTED);
    expect(redacted.sources.freqtrade[0]!.username).toBe("u");
    expect(redacted.notifications.email.smtp_host).toBe("mx");
    expect(redacted.notifications.slack.webhook_url_file).toBe("secrets/slack");
    expect(JSON.stringify(c)).toBe(before); // the input is not modified
  });

  it("a missing file is an error naming the key and the path", () => {
    const f = write("missing.yaml", "notifications:\n  telegram:\n    bot_token_file: nowhere/token\n");
    const err = errorOf(() => loadConfig({ file: f, env: {} }));
    expect(err.problems).toEqual([`${f}:3: notifications.telegram.bot_token_file: cannot read "${join(tmp, "nowhere/token")}" (ENOENT)`]);
  });

  it("an empty file is an error", () => {
    write("empty-secret", "\n  \n");
    const f = write("empty.yaml", "auth:\n  read_token_file: empty-secret\n");
    expect(errorOf(() => loadConfig({ file: f, env: {} })).message).toBe(`${f}:2: auth.read_token_file: the file is empty`);
  });

  it("content that fails its check is reported without the content", () => {
    const shortHmac = "short-hmac-zz";
    write("bad-hmac", `${S.hmac1}\n${shortHmac}\n`);
    write("bad-slack", "not-a-url-secret-yy\n");
    const f = write("bad.yaml", "auth: { hmac_secrets_file: bad-hmac }\nnotifications:\n  slack: { webhook_url_file: bad-slack }\n");
    const err = errorOf(() => loadConfig({ file: f, env: {} }));
    expect(err.problems).toEqual([
      `${f}:3: notifications.slack.webhook_url_file: the file must hold an http:// or https:// URL`,
      `${f}:1: auth.hmac_secrets_file: line 2: the secret must be at least 16 characters`,
    ]);
    expect(err.message).not.toContain(shortHmac);
    expect(err.message).not.toContain("not-a-url-secret-yy");
  });

  it("an hmac file with only comments holds no secret", () => {
    write("comments-only", "# rotate me\n\n");
    const f = write("comments.yaml", "auth: { hmac_secrets_file: comments-only }\n");
    expect(errorOf(() => loadConfig({ file: f, env: {} })).message).toContain("the file holds no secret");
  });

  it("a path that is not a readable file is an error", () => {
    mkdirSync(join(tmp, "a-directory"), { recursive: true });
    const f = write("dir.yaml", "auth: { read_token_file: a-directory }\n");
    expect(errorOf(() => loadConfig({ file: f, env: {} })).message).toBe(
      `${f}:1: auth.read_token_file: cannot read "${join(tmp, "a-directory")}" (EISDIR)`,
    );
  });
});

describe("secrets never appear in error messages", () => {
  it("not when the secret itself is invalid, nor when something beside it is", () => {
    const values = {
      hmac: "hmac-short-1",
      read: "read-short",
      slack: "slack-not-a-url-123",
      smtp: 424242,
      telegram: "telegram-token-xyz",
      webhook: "hook-sec",
      freqtrade: "freqtrade-pass-zzz",
    };
    const f = write(
      "leaky.yaml",
      `auth:
  hmac_secrets: [${values.hmac}]
  read_token: ${values.read}
notifications:
  slack: { enabled: true, webhook_url: ${values.slack}, webhook_url_file: x }
  email: { enabled: true, smtp_password: ${values.smtp}, smtp_port: 0 }
  telegram: { enabled: true, bot_token: ${values.telegram}, bot_token_file: y, chat_id: [1] }
  webhook: { enabled: true, secret: ${values.webhook}, url: "ftp://user:${values.webhook}@x" }
sources:
  freqtrade:
    - { bot: "bad bot", url: "http://u:${values.freqtrade}@h", username: u, password: ${values.freqtrade}, password_file: z }
`,
    );
    const err = errorOf(() => loadConfig({ file: f, env: {} }));
    expect(err.problems.length).toBeGreaterThanOrEqual(10);
    for (const v of Object.values(values)) expect(err.message).not.toContain(String(v));
  });

  it("not for secrets from the environment", () => {
    const env = {
      HMAC_SECRET: "env-hmac-x",
      READ_TOKEN: "env-read-y",
      SLACK_WEBHOOK: "env-slack-no-url",
      SMTP_PASSWORD: "env-smtp-pw-q",
      TELEGRAM_BOT_TOKEN: "env-tg-token-r",
    };
    const err = errorOf(() => loadConfig({ env }));
    expect(err.problems.length).toBeGreaterThanOrEqual(4);
    for (const v of Object.values(env)) expect(err.message).not.toContain(v);
  });
});

describe("redactConfig", () => {
  it("redacts user:password inside URLs", () => {
    const c = loadConfig({
      env: {},
      file: write(
        "userinfo.yaml",
        "sources:\n  freqtrade:\n    - { bot: a, url: 'http://bob:pw-in-url-123@127.0.0.1:8080/', username: bob, password: p }\n",
      ),
    });
    const url = redactConfig(c).sources.freqtrade[0]!.url;
    expect(url).not.toContain("pw-in-url-123");
    expect(url).toContain("127.0.0.1:8080");
  });

  it("shows every configured URL as scheme and host only: webhook paths, probe queries and proxy paths hold tokens", () => {
    const yaml = [
      "api_probe: { url: 'https://exchange.example:8443/v1/ping?apiKey=probe-key-123' }",
      "external_url: 'https://grafana.example/d/trading?orgId=1'",
      "notifications:",
      "  webhook: { enabled: true, url: 'https://hooks.example/path-token-456/in', secret: 'webhook-secret-0123456789' }",
      "  telegram: { enabled: true, bot_token: 'tg-token-0123456789', chat_id: 1, api_base_url: 'https://tg-proxy.example/relay-key-789/' }",
      "",
    ].join("\n");
    const r = redactConfig(loadConfig({ env: {}, file: write("urls.yaml", yaml) }));
    expect(r.api_probe.url).toBe("https://exchange.example:8443");
    expect(r.external_url).toBe("https://grafana.example");
    expect(r.notifications.webhook.url).toBe("https://hooks.example");
    expect(r.notifications.telegram.api_base_url).toBe("https://tg-proxy.example");
    const text = JSON.stringify(r);
    for (const secret of ["probe-key-123", "path-token-456", "relay-key-789", "webhook-secret", "tg-token", "/v1/ping"])
      expect(text).not.toContain(secret);
  });

  it("leaves absent secrets absent (nothing to hide is shown as nothing)", () => {
    const r = redactConfig(loadConfig({ env: {} }));
    expect(r.auth.read_token).toBeUndefined();
    expect(r.auth.hmac_secrets).toEqual([]);
    expect(r).toEqual(loadConfig({ env: {} }));
  });
});
