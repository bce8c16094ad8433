// One HTTP request over a keep-alive agent, timed; signed the way §4 asks when a secret is given.
import { Agent, request } from "node:http";
import { signedHeaders } from "../../src/domain/signature.js";

export interface Reply {
  status: number;
  body: string;
  ms: number;
}

export function keepAliveAgent(connections: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
}

export function send(agent: Agent, url: URL, method: string, path: string, body: string | undefined, secret?: string): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (body !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(body));
    if (secret) Object.assign(headers, signedHeaders(secret, method, path, body));
  }
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: performance.now() - t0 }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}
