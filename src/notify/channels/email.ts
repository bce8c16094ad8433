// Email over SMTP with nodemailer: subject = title, plain-text and HTML bodies. nodemailer's error
// messages can name the server and the user, so errors are rebuilt from the SMTP reply code and
// nodemailer's error code, with the SMTP password and user scrubbed from any server text.
import { createRequire } from "node:module";
import type NodeMailer from "nodemailer";
import type { Mail } from "nodemailer";
import { z } from "zod";
import { int, mailbox, nonEmpty, requireWhenEnabled } from "../../config/fields.js";
import { defineChannel, type Channel, type MessageContent, type RenderedMessage } from "../channel.js";
import { DeliveryError, describeNetworkError, receiverDetail } from "../delivery-error.js";
import { escapeHtml } from "../message.js";

// Loaded on first use, not at start-up: a process pays for the SMTP client only when the configuration uses it.
const requireLazily = createRequire(import.meta.url);
let nodemailerLib: typeof NodeMailer | undefined;
const nodemailer = (): typeof NodeMailer => (nodemailerLib ??= requireLazily("nodemailer") as typeof NodeMailer);

export interface EmailSettings {
  smtp_host: string;
  smtp_port: number;
  /** true: TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when offered. */
  smtp_secure: boolean;
  smtp_user?: string | null;
  smtp_password?: string | null;
  from: string;
  to: string[];
}

// Codes after which sending the same message again cannot succeed.
const PERMANENT_CODES = new Set(["EAUTH", "ENOAUTH", "EENVELOPE", "ECONFIG", "EMESSAGE"]);

const SMTP_CODES: Record<string, string> = {
  ECONNECTION: "connection closed by the SMTP server",
  ESOCKET: "socket error",
  EDNS: "SMTP host not found",
  ETLS: "TLS negotiation failed",
  EAUTH: "SMTP authentication failed",
  ENOAUTH: "SMTP credentials missing",
  EENVELOPE: "recipients or sender rejected",
};

export class EmailChannel implements Channel<"email"> {
  readonly name = "email" as const;
  private readonly transport: Mail;
  private readonly secrets: string[];

  constructor(
    private readonly settings: EmailSettings,
    opts: { socketTimeoutMs?: number } = {},
  ) {
    if (!settings.smtp_host) throw new Error("notifications.email.smtp_host is empty");
    if (!settings.from) throw new Error("notifications.email.from is empty");
    if (!settings.to?.length) throw new Error("notifications.email.to has no recipient");
    const timeout = opts.socketTimeoutMs ?? 10_000;
    this.transport = nodemailer().createTransport({
      host: settings.smtp_host,
      port: settings.smtp_port,
      secure: settings.smtp_secure,
      auth: settings.smtp_user ? { user: settings.smtp_user, pass: settings.smtp_password ?? "" } : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      logger: false,
      debug: false,
    });
    this.secrets = [settings.smtp_password ?? "", settings.smtp_user ?? ""].filter(Boolean);
  }

  async send(message: RenderedMessage, signal: AbortSignal): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.settings.from,
        to: this.settings.to,
        subject: message.title,
        ...email.render(message),
        headers: { "X-Alert-Id": message.alertId },
        signal,
      });
    } catch (err) {
      throw this.describe(err);
    }
  }

  private describe(err: unknown): DeliveryError {
    const e = (err ?? {}) as { code?: unknown; responseCode?: unknown; command?: unknown; response?: unknown };
    const code = typeof e.code === "string" ? e.code : "";
    if (typeof e.responseCode === "number") {
      const command = typeof e.command === "string" && /^[A-Z ]{1,20}$/.test(e.command) ? ` after ${e.command}` : "";
      const said = receiverDetail(e.response, this.secrets);
      // RFC 5321: 4yz is transient, 5yz permanent (503 "bad sequence" is a session problem: retry).
      const permanent = e.responseCode >= 500 && e.responseCode !== 503;
      return new DeliveryError(`SMTP ${e.responseCode} from email${command}${said ? `: ${said}` : ""}`, { retryable: !permanent });
    }
    // nodemailer wraps socket errors as ESOCKET and keeps the system code (ECONNREFUSED …) aside.
    const original = (err as { originalCode?: unknown } | null)?.originalCode;
    if (typeof original === "string") return new DeliveryError(describeNetworkError({ code: original }, "email"));
    const what = SMTP_CODES[code] ? `${SMTP_CODES[code]} (email)` : describeNetworkError(err, "email");
    return new DeliveryError(what, { retryable: !PERMANENT_CODES.has(code) });
  }

  close(): void {
    this.transport.close();
  }
}

export interface EmailPayload {
  text: string;
  html: string;
}

export function renderEmailHtml(c: MessageContent): string {
  const rows = c.facts
    .map((f) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(f.label)}</th><td>${escapeHtml(f.value)}</td></tr>`)
    .join("");
  const link = c.link ? `<p><a href="${escapeHtml(c.link)}">Open the dashboard</a></p>` : "";
  return (
    `<!doctype html><html><body style="font-family:sans-serif">` +
    `<h2>${escapeHtml(c.title)}</h2>` +
    c.summary.map((s) => `<p>${escapeHtml(s)}</p>`).join("") +
    `<table>${rows}</table>${link}</body></html>`
  );
}

/** `to` may be one address, a comma-separated string (like EMAIL_TO) or a list. */
const recipients = z
  .union([z.string(), z.array(z.string())], { error: "must be an e-mail address or a list of them" })
  .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter((s) => s !== ""))
  .pipe(z.array(mailbox()));

export const email = defineChannel({
  name: "email",
  label: "email",
  settings: {
    smtp_host: nonEmpty().optional(),
    smtp_port: int(1, 65_535).default(587),
    /** true = TLS from the first byte (port 465); false = STARTTLS when the server offers it. */
    smtp_secure: z.boolean().default(false),
    smtp_user: nonEmpty().optional(),
    smtp_password: nonEmpty().optional(),
    from: mailbox().optional(),
    to: recipients.default([]),
  },
  secrets: [{ key: "smtp_password" }],
  required: ["smtp_host", "from", "to"],
  whenEnabled: (v, ctx) => {
    // SMTP AUTH needs both halves; one without the other is a typo, not a choice.
    const hasPassword = v.smtp_password !== undefined || v.smtp_password_file !== undefined;
    if (v.smtp_user !== undefined) requireWhenEnabled(ctx, ["notifications", "email"], "smtp_password", hasPassword, "smtp_password_file");
    if (hasPassword && v.smtp_user === undefined) {
      ctx.addIssue({ code: "custom", path: ["smtp_user"], message: "is required when a password is set" });
    }
  },
  env: {
    enabled: "ALERTS_EMAIL_ENABLED",
    vars: [
      { name: "SMTP_HOST", key: "smtp_host", kind: "string", enables: true },
      { name: "SMTP_PORT", key: "smtp_port", kind: "integer" },
      { name: "SMTP_USER", key: "smtp_user", kind: "string" },
      { name: "SMTP_PASSWORD", key: "smtp_password", kind: "string" },
      { name: "EMAIL_FROM", key: "from", kind: "string" },
      { name: "EMAIL_TO", key: "to", kind: "list" },
    ],
  },
  create: (e, ctx) => {
    const secure = e.smtp_secure ?? false;
    return new EmailChannel({
      smtp_host: ctx.required("smtp_host"),
      smtp_port: e.smtp_port ?? (secure ? 465 : 587),
      smtp_secure: secure,
      smtp_user: e.smtp_user ?? null,
      smtp_password: e.smtp_password ?? null,
      from: ctx.required("from"),
      to: ctx.required("to"),
    });
  },
  render: (message: RenderedMessage): EmailPayload => ({ text: message.text, html: renderEmailHtml(message.content) }),
});
