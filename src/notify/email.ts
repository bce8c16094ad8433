// Email over SMTP with nodemailer: subject = title, plain-text and HTML bodies. nodemailer's error
// messages can name the server and the user, so errors are rebuilt from the SMTP reply code and
// nodemailer's error code, with the SMTP password and user scrubbed from any server text.
import { createRequire } from "node:module";
import type NodeMailer from "nodemailer";
import type { Mail } from "nodemailer";
import type { Channel, RenderedMessage } from "./types.js";
import { DeliveryError, describeNetworkError, receiverDetail } from "./delivery-error.js";

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

export class EmailChannel implements Channel {
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
        text: message.text,
        html: message.html,
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
