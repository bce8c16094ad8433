// Stand-ins for Slack, Telegram, Discord and an SMTP relay on 127.0.0.1: they record what Alertmanager sends so
// a test can read the rendered messages.
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface CapturedRequest {
  path: string;
  body: string;
}

export interface HttpCapture {
  url: string;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

/**
 * Records every request. Answers like Telegram's Bot API on `/getMe` and `/sendMessage` paths (the
 * Telegram client parses the reply) and with a plain "ok" elsewhere (Slack's and Discord's incoming webhooks).
 */
export async function startHttpCapture(): Promise<HttpCapture> {
  const requests: CapturedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url ?? "";
      requests.push({ path, body: Buffer.concat(chunks).toString("utf8") });
      if (path.endsWith("/getMe")) {
        reply(res, { ok: true, result: { id: 1, is_bot: true, first_name: "alerts", username: "alerts_bot" } });
      } else if (path.endsWith("/sendMessage")) {
        reply(res, { ok: true, result: { message_id: requests.length, date: 0, chat: { id: 1, type: "group" } } });
      } else {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
}

export interface SmtpCapture {
  address: string;
  /** Raw RFC 5322 messages. */
  messages: string[];
  close(): Promise<void>;
}

/** A plain SMTP relay without STARTTLS or AUTH (Alertmanager then sends without authenticating). */
export async function startSmtpCapture(): Promise<SmtpCapture> {
  const messages: string[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        messages.push(Buffer.concat(chunks).toString("utf8"));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
