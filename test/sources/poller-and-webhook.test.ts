// A Freqtrade bot both polled (sources.freqtrade) and pushing webhooks (sources.freqtrade_webhook):
// both name a trade by Freqtrade's trade_id, so whichever arrives second is a duplicate.
import { afterEach, expect, it } from "vitest";
import type { TradingEvent } from "../../src/domain/events.js";
import { FakeFreqtrade } from "../support/fake-freqtrade.js";
import * as M from "../fixtures/freqtrade-webhook/messages.js";
import { startWebhookHarness, until, type WebhookHarness } from "./webhook-harness.js";

let h: WebhookHarness | undefined;
let fake: FakeFreqtrade | undefined;
afterEach(async () => {
  await h?.stop();
  await fake?.close();
  h = fake = undefined;
});

it("counts each trade once whether the webhook or the poller sees it first", async () => {
  fake = new FakeFreqtrade();
  await fake.listen();
  const first = fake.addOpenTrade(); // trade_id 1, closed below after the webhook already reported it
  const second = fake.addOpenTrade(); // trade_id 2, the poller reports it first
  expect([first.trade_id, second.trade_id]).toEqual([1, 2]);
  h = await startWebhookHarness({
    sources: {
      freqtrade: [{ bot: "ft", url: fake.url, username: fake.username, password: fake.password, poll_interval_seconds: 1 }],
      freqtrade_webhook: [{ bot: "ft", token: "ft-webhook-token-0123456789" }],
    },
  });
  const trades: TradingEvent[] = [];
  h.exporter.pipeline.addListener({ applied: (e) => void (e.type === "trade" && trades.push(e)) });
  await until(() => h!.exporter.engine.hasBot("ft") && h!.exporter.engine.safety("ft").positions.max === 3, "the poller's first poll");

  // Trade 1: the webhook first (cumulative_profit 14.2586), then the poller lists it closed.
  await h.send(M.FINAL_EXIT_1, "json").expect(200);
  fake.closeTrade(1, 14.2586, Date.UTC(2026, 0, 1, 13, 30, 5, 500));
  // Trade 2: the poller first, then Freqtrade's webhook for the same exit.
  fake.closeTrade(2, -10.3125, Date.UTC(2026, 0, 1, 14));
  await until(() => trades.length === 2, "the poller to list both closed trades");
  const late = await h.send(M.FINAL_EXIT_2, "json").expect(200);
  expect(late.body.duplicates).toBeGreaterThanOrEqual(1);
  await new Promise((r) => setTimeout(r, 1500)); // one more poll: nothing new

  expect(trades.map((t) => t.type === "trade" && t.id)).toEqual(["1", "2"]);
  const perf = h.exporter.engine.performance("ft");
  expect(perf.trades.total).toBe(2);
  expect(perf.total_pnl).toBeCloseTo(14.2586 - 10.3125, 10);
  // The webhook's positions events keep the poller's max_open_trades instead of overwriting it.
  expect(h.exporter.engine.safety("ft").positions.max).toBe(3);
});
