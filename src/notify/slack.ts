// Slack incoming webhook: POST {text, blocks}. The webhook URL is the credential (its path holds
// the token), so it is never put in an error; Slack's short error bodies ("invalid_payload",
// "no_service") are kept because they tell the operator what to fix.
import type { Channel, RenderedMessage } from "./types.js";
import { parseChannelUrl, postJson } from "./http-post.js";
import { receiverDetail } from "./delivery-error.js";
import type { Clock } from "../domain/clock.js";
import { systemClock } from "../domain/clock.js";

export interface SlackSettings {
  webhook_url: string;
}

export class SlackChannel implements Channel {
  readonly name = "slack" as const;
  private readonly url: string;
  private readonly secrets: string[];

  constructor(
    settings: SlackSettings,
    private readonly clock: Clock = systemClock,
  ) {
    const parsed = parseChannelUrl(settings.webhook_url, "notifications.slack.webhook_url");
    this.url = parsed.toString();
    this.secrets = [settings.webhook_url, this.url, parsed.pathname + parsed.search, ...tokenSegments(parsed)];
  }

  async send(message: RenderedMessage, signal: AbortSignal): Promise<void> {
    await postJson({
      channel: this.name,
      url: this.url,
      body: JSON.stringify({ text: message.slack.text, blocks: message.slack.blocks }),
      signal,
      nowMs: () => this.clock.now(),
      interpretFailure: (res) => ({ detail: /^[a-z_]{1,64}$/.test(res.body.trim()) ? receiverDetail(res.body, this.secrets) : null }),
    });
  }
}

/** Path segments long enough to be tokens (Slack: /services/T…/B…/<secret>). */
export function tokenSegments(url: URL): string[] {
  return url.pathname.split("/").filter((s) => s.length >= 8);
}
