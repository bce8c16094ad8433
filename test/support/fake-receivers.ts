// Real local receivers standing in for Slack, Telegram, Discord, a generic webhook and an SMTP server.
// Each listens on 127.0.0.1 with an ephemeral port, records what it receives, answers from a
// script (status, headers, body, or "hang"), and must be closed by the test that started it.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { sign, signaturesEqual } from "../../src/domain/signature.js";

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the request had been read completely. */
  at: number;
}

/** A scripted answer; "hang" never answers (the socket stays open until close()). */
export type Reply = { status?: number; headers?: Record<string, string>; body?: string | object } | "hang";

export class HttpReceiver {
  readonly requests: RecordedRequest[] = [];
  private readonly script: Reply[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];

  private constructor(
    private readonly server: Server,
    private readonly defaultReply: (req: RecordedRequest) => Reply,
  ) {}

  static async start(defaultReply: (req: RecordedRequest) => Reply = () => ({ status: 200, body: "ok" })): Promise<HttpReceiver> {
    const server = createServer();
    const receiver = new HttpReceiver(server, defaultReply);
    server.on("request", (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const recorded = {
          method: req.method ?? "",
          path: req.url ?? "",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
          at: performance.now(),
        };
        receiver.requests.push(recorded);
        receiver.answer(res, receiver.script.shift() ?? receiver.defaultReply(recorded));
        receiver.notify();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(pathAndQuery = "/"): string {
    return `http://127.0.0.1:${this.port}${pathAndQuery}`;
  }

  /** The next requests get these replies, in order; after that the default reply. */
  replyNext(...replies: Reply[]): void {
    this.script.push(...replies);
  }

  async waitForRequests(n: number, timeoutMs = 10_000): Promise<RecordedRequest[]> {
    if (this.requests.length < n) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${n} requests, got ${this.requests.length} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        this.waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
      });
    }
    return this.requests.slice(0, n);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections(); // hung requests would otherwise keep close() waiting
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(res: ServerResponse, reply: Reply): void {
    if (reply === "hang") return;
    const body = typeof reply.body === "object" ? JSON.stringify(reply.body) : (reply.body ?? "");
    const type = typeof reply.body === "object" ? "application/json" : "text/plain";
    res.writeHead(reply.status ?? 200, { "Content-Type": type, ...reply.headers });
    res.end(body);
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => this.requests.length >= w.n);
    this.waiters = this.waiters.filter((w) => this.requests.length < w.n);
    for (const w of ready) w.resolve();
  }
}

/** Slack's incoming webhook answers 200 "ok". */
export const startSlackReceiver = (): Promise<HttpReceiver> => HttpReceiver.start(() => ({ status: 200, body: "ok" }));

/** The Bot API answers `{ok: true, result: <Message>}`. */
export const startTelegramReceiver = (): Promise<HttpReceiver> => {
  let messageId = 0;
  return HttpReceiver.start(() => ({ status: 200, body: { ok: true, result: { message_id: ++messageId } } }));
};

/** Discord's webhook with `?wait=true` answers 200 with the message it created. */
export const startDiscordReceiver = (): Promise<HttpReceiver> => {
  let messageId = 0;
  return HttpReceiver.start((req) => ({ status: 200, body: { id: String(++messageId), ...(JSON.parse(req.body) as object) } }));
};

export const startWebhookReceiver = (): Promise<HttpReceiver> => HttpReceiver.start(() => ({ status: 204 }));

/** Verify a recorded request's §4 signature the way a receiver would. */
export function hasValidSignature(req: RecordedRequest, secret: string): boolean {
  const ts = req.headers["x-timestamp"];
  const sig = req.headers["x-signature"];
  if (typeof ts !== "string" || typeof sig !== "string") return false;
  return signaturesEqual(sig, sign(secret, ts, req.method, req.path, req.body));
}

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The authenticated user, or null. */
  user: string | null;
  raw: string;
}

export interface SmtpReceiverOptions {
  /** When set, AUTH is required and must match. */
  user?: string;
  password?: string;
  /** Reject every login with a reply that quotes the credentials (a careless server): for redaction tests. */
  echoCredentialsOnFailure?: boolean;
}

export class SmtpReceiver {
  readonly messages: ReceivedMail[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];
  private server!: SMTPServer;
  readonly host = "127.0.0.1";
  port = 0;

  static async start(opts: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
    const r = new SmtpReceiver();
    const needsAuth = opts.user !== undefined || opts.echoCredentialsOnFailure === true;
    r.server = new SMTPServer({
      secure: false,
      logger: false,
      disabledCommands: needsAuth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
      authOptional: !needsAuth,
      allowInsecureAuth: true,
      onAuth(auth, _session, cb) {
        if (opts.echoCredentialsOnFailure) return cb(new Error(`Invalid login ${auth.username} / ${auth.password}`));
        if (auth.username === opts.user && auth.password === opts.password) return cb(null, { user: auth.username });
        return cb(new Error("Invalid username or password"));
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          r.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((a) => a.address),
            user: typeof session.user === "string" ? session.user : null,
            raw: Buffer.concat(chunks).toString("utf8"),
          });
          cb();
          r.notify();
        });
      },
    });
    await new Promise<void>((resolve) => r.server.listen(0, "127.0.0.1", resolve));
    r.port = (r.server.server.address() as AddressInfo).port;
    return r;
  }

  async waitForMessages(n: number, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    if (this.messages.length < n) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${n} mails, got ${this.messages.length} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        this.waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
      });
    }
    return this.messages.slice(0, n);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => this.messages.length >= w.n);
    this.waiters = this.waiters.filter((w) => this.messages.length < w.n);
    for (const w of ready) w.resolve();
  }
}

export interface ParsedMail {
  headers: Record<string, string>;
  subject: string;
  /** Decoded text/plain and text/html parts (quoted-printable and base64 undone). */
  text: string | null;
  html: string | null;
}

/** Just enough MIME to read what nodemailer sends: headers, encoded-word subjects, (nested) multipart, QP/base64. */
export function parseMail(raw: string): ParsedMail {
  const out: ParsedMail = { headers: {}, subject: "", text: null, html: null };
  const walk = (entity: string, top: boolean) => {
    const split = entity.search(/\r?\n\r?\n/);
    const head = split < 0 ? entity : entity.slice(0, split);
    const body = split < 0 ? "" : entity.slice(split).replace(/^\r?\n\r?\n/, "");
    const headers: Record<string, string> = {};
    for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
      const i = line.indexOf(":");
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    if (top) out.headers = headers;
    const type = headers["content-type"] ?? "text/plain";
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (/^multipart\//i.test(type) && boundary) {
      const parts = body.split(`--${boundary}`).slice(1);
      for (const part of parts) if (!part.startsWith("--")) walk(part.replace(/^\r?\n/, ""), false);
      return;
    }
    const decoded = decodeBody(body, headers["content-transfer-encoding"] ?? "7bit");
    if (/^text\/html/i.test(type)) out.html = decoded;
    else if (/^text\/plain/i.test(type)) out.text = decoded;
  };
  walk(raw, true);
  out.subject = decodeEncodedWords(out.headers["subject"] ?? "");
  return out;
}

function decodeBody(body: string, encoding: string): string {
  const enc = encoding.toLowerCase();
  if (enc === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (enc === "quoted-printable") {
    const soft = body.replace(/=\r?\n/g, "");
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      const hex = soft.slice(i + 1, i + 3);
      if (soft[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(soft[i]!, "utf8"));
      }
    }
    return Buffer.from(bytes).toString("utf8");
  }
  return body;
}

function decodeEncodedWords(s: string): string {
  return s
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === "B" ? Buffer.from(text, "base64").toString("utf8") : decodeBody(text.replace(/_/g, " "), "quoted-printable"),
    );
}
