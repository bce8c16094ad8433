// Signed writes and plain reads against a running exporter process (real HTTP, real clock).
import { signedHeaders } from "../../src/domain/signature.js";
import { SECRET } from "./exporter.js";

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A signed POST; `null` when the connection failed (the process died): not acknowledged. */
export async function postSigned(url: string, path: string, payload: unknown): Promise<Reply | null> {
  const body = JSON.stringify(payload);
  try {
    const res = await fetch(`${url}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...signedHeaders(SECRET, "POST", path, body) },
      body,
    });
    return { status: res.status, headers: res.headers, body: await res.json().catch(() => null) };
  } catch {
    return null;
  }
}

export async function getJson(url: string, path: string): Promise<Reply> {
  const res = await fetch(`${url}${path}`);
  return { status: res.status, headers: res.headers, body: await res.json() };
}

export async function getText(url: string, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}${path}`);
  return { status: res.status, text: await res.text() };
}
