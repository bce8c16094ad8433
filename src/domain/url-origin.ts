// How a configured URL may be shown (§16): scheme and host only. Webhook paths, Slack hook ids,
// Telegram's /bot<token>/ and probe queries are where tokens live, and user info is a password.
export function urlOrigin(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}`;
  } catch {
    return "(invalid url)";
  }
}
