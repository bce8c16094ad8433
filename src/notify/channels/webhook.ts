// Generic webhook: POST the alert (kind, record, health, link) as JSON, signed exactly like the
// exporter's own API (§4) but with the webhook's own secret, so a receiver can reuse the same
// verification code. The URL may carry a token in its path or query, so it is never reported.
import { fileHoldsSharedSecret, httpUrl, sharedSecret } from "../../config/fields.js";
import type { AlertRecord, Delivery, Notification, NotificationKind } from "../../domain/alert-record.js";
import type { Clock } from "../../domain/clock.js";
import { systemClock } from "../../domain/clock.js";
import { signedHeaders } from "../../domain/signature.js";
import type { DigestReport } from "../../domain/digest-report.js";
import { defineChannel, type AlertMessage, type Channel, type DigestMessage, type RenderedMessage } from "../channel.js";
import { parseChannelUrl, postJson } from "../http-post.js";
import { isoUtc } from "../trigger-text.js";

/** The webhook body: the alert record with ISO-8601 UTC times, plus what kind of message it is. */
export interface WebhookPayload {
  kind: NotificationKind;
  alert: Omit<AlertRecord, "started_at" | "resolved_at" | "acknowledged_at" | "deliveries"> & {
    started_at: string;
    resolved_at: string | null;
    acknowledged_at: string | null;
    deliveries: (Omit<Delivery, "at"> & { at: string })[];
  };
  health: Notification["health"];
  external_url: string | null;
}

export function webhookPayload(n: Notification): WebhookPayload {
  const a = n.alert;
  const iso = (ms: number | null) => (ms === null ? null : isoUtc(ms));
  return {
    kind: n.kind,
    alert: {
      ...a,
      started_at: isoUtc(a.started_at),
      resolved_at: iso(a.resolved_at),
      acknowledged_at: iso(a.acknowledged_at),
      deliveries: a.deliveries.map((d) => ({ ...d, at: isoUtc(d.at) })),
    },
    health: { level: n.health.level, reasons: [...n.health.reasons] },
    external_url: n.external_url,
  };
}

type Iso<T, K extends keyof T> = Omit<T, K> & { [P in K]: T[P] extends number ? string : string | null };

/** A digest (§19) as JSON: the report with ISO-8601 UTC times. */
export interface WebhookDigestPayload {
  kind: "digest";
  digest: Omit<DigestReport, "period" | "generated_at" | "fired" | "firing"> & {
    period: Iso<DigestReport["period"], "from" | "to">;
    generated_at: string;
    fired: Array<Iso<DigestReport["fired"][number], "started_at" | "resolved_at">>;
    firing: Array<Iso<DigestReport["firing"][number], "started_at" | "resolved_at">>;
  };
}

export function webhookDigestPayload(m: DigestMessage): WebhookDigestPayload {
  const d = m.digest;
  const line = (a: DigestReport["fired"][number]) => ({
    ...a,
    started_at: isoUtc(a.started_at),
    resolved_at: a.resolved_at === null ? null : isoUtc(a.resolved_at),
  });
  return {
    kind: "digest",
    digest: {
      ...d,
      period: { ...d.period, from: isoUtc(d.period.from), to: isoUtc(d.period.to) },
      generated_at: isoUtc(d.generated_at),
      fired: d.fired.map(line),
      firing: d.firing.map(line),
    },
  };
}

export interface WebhookSettings {
  url: string;
  secret: string;
}

export class WebhookChannel implements Channel<"webhook"> {
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
    const body = JSON.stringify(webhook.render(message));
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

export const webhook = defineChannel({
  name: "webhook",
  label: "webhook",
  settings: { url: httpUrl().optional(), secret: sharedSecret().optional() },
  secrets: [{ key: "secret", check: fileHoldsSharedSecret }],
  // The receiver must be able to check the signature (§7: "signed like §4 with its own secret").
  required: ["url", "secret"],
  create: (_section, ctx) => new WebhookChannel({ url: ctx.required("url"), secret: ctx.required("secret") }, ctx.clock),
  render: (message: AlertMessage): WebhookPayload => webhookPayload(message.notification),
  renderDigest: webhookDigestPayload,
});
