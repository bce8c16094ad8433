// The configuration schema (§12). Strict everywhere: an unknown key is an error, never
// silently ignored (blackbox_exporter's rule). Every key is optional; the output is fully defaulted.
import { z } from "zod";
import {
  botNameField,
  exclusiveSecret,
  httpUrl,
  int,
  listen,
  mailbox,
  nonEmpty,
  positive,
  ratio,
  requireWhenEnabled,
  timeZone,
  webOrigin,
} from "./fields.js";
import { botTriggersSchema, triggersSchema } from "./triggers.js";
import { freqtradeWebhookSource, hummingbotSource } from "./push-sources.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Shortest accepted HMAC secret (and read token): shorter ones are guessable. */
export const MIN_SECRET_LENGTH = 16;
const secret = () => z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`);
const path = () => nonEmpty();

const auth = z
  .strictObject({
    hmac_secrets: z.array(secret(), { error: "must be a list of strings" }).default([]),
    hmac_secrets_file: path().optional(),
    read_token: secret().optional(),
    read_token_file: path().optional(),
    max_clock_skew_seconds: int(1, 86_400).default(300),
  })
  .superRefine((v, ctx) => {
    if (v.hmac_secrets.length > 0 && v.hmac_secrets_file !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["hmac_secrets_file"],
        message: "give either hmac_secrets or hmac_secrets_file, not both",
        params: { noEcho: true },
      });
    }
    exclusiveSecret(["read_token"])(v, ctx);
  })
  .prefault({});

const metrics = z
  .strictObject({
    initial_equity: positive().default(10_000),
    window_trades: int(1, 100_000).default(100),
    annualization_factor: positive().default(365),
    daily_window_days: int(2, 100_000).default(90),
    daily_annualization_factor: positive().default(365),
    timezone: timeZone().default("UTC"),
    cagr_min_days: int(1, 100_000).default(30),
  })
  .prefault({});

const ingest = z
  .strictObject({
    /** §15: an event time further ahead of the exporter's clock is refused. */
    max_future_seconds: int(0, 86_400 * 365).default(300),
  })
  .prefault({});

const bot = z.strictObject({
  initial_equity: positive().optional(),
  triggers: botTriggersSchema,
});

const health = z
  .strictObject({
    position_utilization_degraded: ratio().default(0.8),
    stale_after_seconds: int(1).default(600),
  })
  .prefault({});

const apiProbe = z
  .strictObject({
    url: httpUrl().optional(),
    interval_seconds: int(1).default(30),
    timeout_seconds: positive().default(5),
    degraded_latency_ms: int(1).default(1000),
    failures_before_disconnected: int(1).default(3),
    bot: botNameField().optional(),
  })
  .superRefine((v, ctx) => {
    // A probe still waiting when the next one is due would pile up requests.
    if (v.timeout_seconds > v.interval_seconds) {
      ctx.addIssue({ code: "custom", path: ["timeout_seconds"], message: "must not exceed interval_seconds" });
    }
  })
  .prefault({});

const alerts = z
  .strictObject({
    cooldown_seconds: int(0).default(300),
    /** 0 turns reminders off. */
    repeat_interval_seconds: int(0).default(3600),
    send_resolved: z.boolean().default(true),
    history_size: int(1, 1_000_000).default(1000),
    evaluation_interval_seconds: int(1, 3600).default(5),
    test_rate_limit_per_minute: int(1, 600).default(6),
  })
  .prefault({});

const websocket = z
  .strictObject({
    metrics_interval_ms: int(10, 60_000).default(250),
    max_buffered_bytes: int(1024).default(1024 * 1024),
    ping_interval_seconds: int(1, 3600).default(30),
    /** §16: origins besides the exporter's own whose pages may open /ws. */
    allowed_origins: z.array(webOrigin(), { error: "must be a list of origins" }).default([]),
    max_clients: int(1, 1_000_000).default(1000),
    max_messages_per_second: int(1, 10_000).default(10),
  })
  .prefault({});

const http = z
  .strictObject({
    /** §16: origins that get CORS headers; none by default (the dashboard is same-origin). */
    cors_origins: z.array(webOrigin(), { error: "must be a list of origins" }).default([]),
  })
  .prefault({});

const slack = z
  .strictObject({
    enabled: z.boolean().default(false),
    webhook_url: httpUrl().optional(),
    webhook_url_file: path().optional(),
  })
  .superRefine((v, ctx) => {
    exclusiveSecret(["webhook_url"])(v, ctx);
    if (v.enabled) {
      const has = v.webhook_url !== undefined || v.webhook_url_file !== undefined;
      requireWhenEnabled(ctx, ["notifications", "slack"], "webhook_url", has, "webhook_url_file");
    }
  })
  .prefault({});

/** `to` may be one address, a comma-separated string (like EMAIL_TO) or a list. */
const recipients = z
  .union([z.string(), z.array(z.string())], { error: "must be an e-mail address or a list of them" })
  .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter((s) => s !== ""))
  .pipe(z.array(mailbox()));

const email = z
  .strictObject({
    enabled: z.boolean().default(false),
    smtp_host: nonEmpty().optional(),
    smtp_port: int(1, 65_535).default(587),
    /** true = TLS from the first byte (port 465); false = STARTTLS when the server offers it. */
    smtp_secure: z.boolean().default(false),
    smtp_user: nonEmpty().optional(),
    smtp_password: nonEmpty().optional(),
    smtp_password_file: path().optional(),
    from: mailbox().optional(),
    to: recipients.default([]),
  })
  .superRefine((v, ctx) => {
    exclusiveSecret(["smtp_password"])(v, ctx);
    if (!v.enabled) return;
    const section = ["notifications", "email"];
    const hasPassword = v.smtp_password !== undefined || v.smtp_password_file !== undefined;
    requireWhenEnabled(ctx, section, "smtp_host", v.smtp_host !== undefined);
    requireWhenEnabled(ctx, section, "from", v.from !== undefined);
    requireWhenEnabled(ctx, section, "to", v.to.length > 0);
    // SMTP AUTH needs both halves; one without the other is a typo, not a choice.
    if (v.smtp_user !== undefined) requireWhenEnabled(ctx, section, "smtp_password", hasPassword, "smtp_password_file");
    if (hasPassword && v.smtp_user === undefined) {
      ctx.addIssue({ code: "custom", path: ["smtp_user"], message: "is required when a password is set" });
    }
  })
  .prefault({});

const telegram = z
  .strictObject({
    enabled: z.boolean().default(false),
    bot_token: nonEmpty().optional(),
    bot_token_file: path().optional(),
    /** A numeric id (YAML reads it as a number) or @channelname; kept as a string. */
    chat_id: z
      .union([z.string().min(1), z.number().int()], { error: "must be a chat id (number) or @channel name" })
      .transform(String)
      .optional(),
    api_base_url: httpUrl().default("https://api.telegram.org"),
  })
  .superRefine((v, ctx) => {
    exclusiveSecret(["bot_token"])(v, ctx);
    if (!v.enabled) return;
    const section = ["notifications", "telegram"];
    requireWhenEnabled(ctx, section, "bot_token", v.bot_token !== undefined || v.bot_token_file !== undefined, "bot_token_file");
    requireWhenEnabled(ctx, section, "chat_id", v.chat_id !== undefined);
  })
  .prefault({});

const webhook = z
  .strictObject({
    enabled: z.boolean().default(false),
    url: httpUrl().optional(),
    secret: secret().optional(),
    secret_file: path().optional(),
  })
  .superRefine((v, ctx) => {
    exclusiveSecret(["secret"])(v, ctx);
    if (!v.enabled) return;
    const section = ["notifications", "webhook"];
    requireWhenEnabled(ctx, section, "url", v.url !== undefined);
    // The receiver must be able to check the signature (§7: "signed like §4 with its own secret").
    requireWhenEnabled(ctx, section, "secret", v.secret !== undefined || v.secret_file !== undefined, "secret_file");
  })
  .prefault({});

const notifications = z
  .strictObject({
    /** Master switch: with false no channel sends, whatever the channels say. */
    enabled: z.boolean().default(false),
    slack,
    email,
    telegram,
    webhook,
  })
  .prefault({});

const freqtradeSource = z
  .strictObject({
    bot: botNameField(),
    url: httpUrl(),
    username: nonEmpty(),
    password: nonEmpty().optional(),
    password_file: path().optional(),
    poll_interval_seconds: int(1, 86_400).default(15),
  })
  .superRefine((v, ctx) => {
    exclusiveSecret(["password"])(v, ctx);
    if (v.password === undefined && v.password_file === undefined) {
      ctx.addIssue({ code: "custom", path: ["password"], message: "is required (set password or password_file)" });
    }
  });

const jsonlSource = z.strictObject({
  /** The bot of lines that don't name one. */
  bot: botNameField().default("default"),
  path: path(),
});

const sources = z
  .strictObject({
    freqtrade: z.array(freqtradeSource, { error: "must be a list of sources" }).default([]),
    jsonl: z.array(jsonlSource, { error: "must be a list of sources" }).default([]),
    freqtrade_webhook: z.array(freqtradeWebhookSource, { error: "must be a list of sources" }).default([]),
    hummingbot: z.array(hummingbotSource, { error: "must be a list of sources" }).default([]),
  })
  .superRefine((v, ctx) => {
    // Two pollers writing the same bot would double-count its equity and positions.
    const seen = new Set<string>();
    v.freqtrade.forEach((s, i) => {
      if (seen.has(s.bot))
        ctx.addIssue({
          code: "custom",
          path: ["freqtrade", i, "bot"],
          message: `bot "${s.bot}" is polled twice`,
          params: { noEcho: true },
        });
      seen.add(s.bot);
    });
    const hooked = new Set<string>();
    v.freqtrade_webhook.forEach((s, i) => {
      if (hooked.has(s.bot))
        ctx.addIssue({
          code: "custom",
          path: ["freqtrade_webhook", i, "bot"],
          message: `bot "${s.bot}" has two webhook entries`,
          params: { noEcho: true },
        });
      hooked.add(s.bot);
    });
  })
  .prefault({});

export const configSchema = z.strictObject({
  listen: listen().default("0.0.0.0:10077"),
  data_dir: path().default("./data"),
  max_bots: int(1, 100_000).default(100),
  external_url: httpUrl().optional(),
  /** Absent = keep every raw event. */
  retention_days: int(1).optional(),
  http,
  log_level: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  auth,
  ingest,
  metrics,
  bots: z.record(botNameField(), bot, { error: "must be a mapping of bot name to settings" }).default({}),
  /** Fleets (§19): group name → member bots; a bot may be in several groups, listed before it exists. */
  groups: z
    .record(botNameField(), z.array(botNameField(), { error: "must be a list of bot names" }).min(1), {
      error: "must be a mapping of group name to bot names",
    })
    .default({}),
  health,
  api_probe: apiProbe,
  triggers: triggersSchema,
  alerts,
  websocket,
  notifications,
  sources,
});

/** The fully defaulted configuration. Secrets given as `<key>_file` are already read into `<key>`. */
export type Config = z.output<typeof configSchema>;
/** What a YAML file may contain. */
export type ConfigInput = z.input<typeof configSchema>;
