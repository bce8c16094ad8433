// Generic webhook: POST the alert (kind, record, health, link) as JSON, signed exactly like the
// exporter's own API (§4) but with the webhook's own secret, so a receiver can reuse the same
// verification code. The URL may carry a token in its path or query, so it is never reported.
import type { Channel, RenderedMessage } from "./types.js";
import { parseChannelUrl, postJson } from "./http-post.js";
import { signedHeaders } from "../domain/signature.js";
import type { Clock } from "../domain/clock.js";
import { systemClock } from "../domain/clock.js";

export interface WebhookSettings {
  url: string;
  secret: string;
}

export class WebhookChannel implements Channel {
  readonly name = "webhook" as const;
  private readonly url: string;
  /** What the signature covers: the URL's path and query, as the receiver sees them. */
  private readonly pathAndQuery: string;

  constructor(
    private readonly settings: WebhookSettings,
    private readonly clock: Clock = systemClock,
  ) {
    if (!settings.secret) throw new Error("notifications.webhook.secret is empty");
    const parsed = parseChannelUrl(settings.url, "notifications.webhook.url");
    this.url = parsed.toString();
    this.pathAndQuery = parsed.pathname + parsed.search;
  }

  async send(message: RenderedMessage, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(message.webhook);
    await postJson({
      channel: this.name,
      url: this.url,
      body,
      headers: {
        ...signedHeaders(this.settings.secret, "POST", this.pathAndQuery, body, this.clock.now()),
        "X-Alert-Id": message.alertId,
      },
      signal,
      nowMs: () => this.clock.now(),
      // A generic receiver's error page may echo the request path (a token): report the status only.
      interpretFailure: () => ({ detail: null }),
    });
  }
}
