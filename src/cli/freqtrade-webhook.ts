// `trading-exporter freqtrade-webhook --bot B --url URL`: prints the `webhook` block to paste into
// Freqtrade's config.json (§18). Every template renders exactly the fields the receiver reads,
// with Freqtrade's own placeholders (docs/webhook-config.md; msg fields in freqtrade/rpc/rpc_types.py).
import { parseArgs } from "node:util";
import { BOT_NAME } from "../domain/events.js";

export const FREQTRADE_WEBHOOK_USAGE = `Usage: trading-exporter freqtrade-webhook --bot BOT --url URL

Prints the "webhook" block for Freqtrade's config.json. BOT is the bot's name in
sources.freqtrade_webhook; URL is how Freqtrade reaches the exporter (e.g. http://exporter:10077).
The token is left as a placeholder: put the same token in sources.freqtrade_webhook and in the URL
(make one with: openssl rand -hex 24).
`;

export const TOKEN_PLACEHOLDER = "REPLACE_WITH_THE_BOT_TOKEN";

const status = { type: "{type}", status: "{status}" };
const fill = {
  type: "{type}",
  trade_id: "{trade_id}",
  pair: "{pair}",
  direction: "{direction}",
  sub_trade: "{sub_trade}",
  open_date: "{open_date}",
};
const protection = { type: "{type}", id: "{id}", pair: "{pair}", reason: "{reason}", lock_end_timestamp: "{lock_end_timestamp}" };

/** The message templates by Freqtrade message type (each one is str.format-ed by Freqtrade). */
export const WEBHOOK_TEMPLATES: Record<string, Record<string, string>> = {
  entry_fill: fill,
  exit_fill: {
    ...fill,
    profit_amount: "{profit_amount}",
    profit_ratio: "{profit_ratio}",
    cumulative_profit: "{cumulative_profit}",
    is_final_exit: "{is_final_exit}",
    close_date: "{close_date}",
  },
  status,
  startup: status,
  warning: status,
  exception: status,
  protection_trigger: protection,
  protection_trigger_global: protection,
};

export function webhookBlock(bot: string, baseUrl: string, token = TOKEN_PLACEHOLDER): Record<string, unknown> {
  const url = new URL("/api/v1/sources/freqtrade/webhook", baseUrl);
  url.searchParams.set("bot", bot);
  url.searchParams.set("token", token);
  return {
    enabled: true,
    url: url.toString(),
    format: "json",
    // Freqtrade retries a failed post; the exporter counts a retried message once.
    retries: 3,
    retry_delay: 0.5,
    timeout: 10,
    ...WEBHOOK_TEMPLATES,
  };
}

export function freqtradeWebhookVerb(
  args: string[],
  io: { stdout: { write(s: string): unknown }; stderr: { write(s: string): unknown } } = process,
): number {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { bot: { type: "string" }, url: { type: "string" }, help: { type: "boolean" } },
      strict: true,
    }));
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n\n${FREQTRADE_WEBHOOK_USAGE}`);
    return 2;
  }
  if (values.help) return (void io.stdout.write(FREQTRADE_WEBHOOK_USAGE), 0);
  const problems: string[] = [];
  if (!values.bot || !BOT_NAME.test(values.bot)) problems.push("--bot must be a bot name (^[A-Za-z0-9_.-]{1,64}$)");
  if (!values.url || !/^https?:\/\/[^/]/.test(values.url) || !URL.canParse(values.url))
    problems.push("--url must be the exporter's http:// or https:// address");
  if (problems.length > 0) {
    io.stderr.write(`${problems.join("\n")}\n\n${FREQTRADE_WEBHOOK_USAGE}`);
    return 2;
  }
  io.stdout.write(`"webhook": ${JSON.stringify(webhookBlock(values.bot!, values.url!), null, 4)}\n`);
  io.stderr.write(`Replace ${TOKEN_PLACEHOLDER} with the token of bot "${values.bot}" in sources.freqtrade_webhook.\n`);
  return 0;
}
