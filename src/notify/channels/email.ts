// Email over SMTP with nodemailer: subject = title, plain-text and HTML bodies. nodemailer's error
// messages can name the server and the user, so errors are rebuilt from the SMTP reply code and
// nodemailer's error code, with the SMTP password and user scrubbed from any server text.
import { createRequire } from "node:module";
import type NodeMailer from "nodemailer";
import type { Mail } from "nodemailer";
import { z } from "zod";
import { int, mailbox, nonEmpty, requireWhenEnabled } from "../../config/fields.js";
import {
  defineChannel,
  type AlertMessage,
  type Channel,
  type DigestMessage,
  type MessageContent,
  type RenderedMessage,
} from "../channel.js";
import { alertText, botFigures, firedCountText, groupFigures, overviewText, periodText } from "../digest-text.js";
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

// Digest (§19) HTML for a phone first: one column at most 600 px wide, a card per group and bot with
// its two main figures large and the rest two to a row. Inline styles and layout tables, because
// mail clients drop <style> blocks and flexbox.
const FONT = "-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const HEALTH_COLOURS: Record<string, string> = { HEALTHY: "#1a7f37", DEGRADED: "#9a6700", CRITICAL: "#cf222e" };

function digestCard(title: string, badge: string | null, figures: Array<[string, string]>): string {
  const e = escapeHtml;
  const cell = ([label, value]: [string, string], big: boolean) => {
    const colour = label === "P&L" ? (value.startsWith("+") ? "#1a7f37" : value.startsWith("-") ? "#cf222e" : "#111827") : "#111827";
    const size = big ? "20px" : "15px";
    return (
      `<td width="50%" valign="top" style="padding:6px 8px 6px 0">` +
      `<div style="font-size:12px;color:#6b7280;text-transform:uppercase;letter-spacing:.04em">${e(label)}</div>` +
      `<div style="font-size:${size};font-weight:${big ? 700 : 500};color:${colour}">${e(value)}</div></td>`
    );
  };
  const rows: string[] = [];
  for (let i = 0; i < figures.length; i += 2) {
    rows.push(`<tr>${cell(figures[i]!, i === 0)}${figures[i + 1] ? cell(figures[i + 1]!, i === 0) : "<td></td>"}</tr>`);
  }
  const pill = badge
    ? `<span style="float:right;font-size:12px;font-weight:700;color:#fff;background:${HEALTH_COLOURS[badge] ?? "#6b7280"};border-radius:10px;padding:2px 8px">${e(badge)}</span>`
    : "";
  return (
    `<tr><td style="padding:0 0 12px"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" ` +
    `style="background:#ffffff;border:1px solid #e5e7eb;border-radius:10px"><tr><td style="padding:12px 14px">` +
    `<div style="font-size:17px;font-weight:700;margin-bottom:4px">${pill}${title}</div>` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0">${rows.join("")}</table></td></tr></table></td></tr>`
  );
}

export function renderEmailDigestHtml(m: DigestMessage): string {
  const d = m.digest;
  const e = escapeHtml;
  const cards = [
    ...d.groups.map((g) =>
      digestCard(
        `Group ${e(g.group)} <span style="font-size:13px;font-weight:400;color:#6b7280">${e(g.members.join(", "))}</span>`,
        null,
        groupFigures(g, d),
      ),
    ),
    ...d.bots.map((b) => digestCard(e(b.bot), b.health, botFigures(b, d))),
  ];
  const list = (items: string[]) =>
    items.length === 0
      ? ""
      : `<ul style="margin:6px 0 0;padding-left:18px">${items.map((t) => `<li style="margin:3px 0">${e(t)}</li>`).join("")}</ul>`;
  const alerts =
    `<tr><td style="padding:0 0 12px"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#ffffff;border:1px solid #e5e7eb;border-radius:10px"><tr><td style="padding:12px 14px;font-size:15px">` +
    `<div><b>Alerts fired:</b> ${e(firedCountText(d))}</div>${list(d.fired.map((a) => alertText(a, d.timezone)))}` +
    `<div style="margin-top:10px"><b>Still firing:</b> ${d.firing.length === 0 ? "none" : d.firing.length}</div>${list(d.firing.map((a) => alertText(a, d.timezone)))}` +
    `</td></tr></table></td></tr>`;
  const link = d.external_url
    ? `<tr><td align="center" style="padding:4px 0 16px"><a href="${e(d.external_url)}" style="display:inline-block;background:#0969da;color:#ffffff;text-decoration:none;font-weight:600;border-radius:8px;padding:10px 18px">Open the dashboard</a></td></tr>`
    : "";
  return (
    `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${e(m.title)}</title></head><body style="margin:0;padding:0;background:#f3f4f6">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6"><tr><td align="center" style="padding:12px">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;font-family:${FONT};color:#111827">` +
    `<tr><td style="padding:4px 2px 12px"><div style="font-size:21px;font-weight:700">${e(m.title)}</div>` +
    `<div style="font-size:13px;color:#6b7280;margin-top:2px">${e(periodText(d))}</div>` +
    `<div style="font-size:14px;margin-top:6px">${e(overviewText(d))}</div></td></tr>` +
    cards.join("") +
    alerts +
    link +
    `</table></td></tr></table></body></html>`
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
  render: (message: AlertMessage): EmailPayload => ({ text: message.text, html: renderEmailHtml(message.content) }),
  renderDigest: (message: DigestMessage): EmailPayload => ({ text: message.text, html: renderEmailDigestHtml(message) }),
});
