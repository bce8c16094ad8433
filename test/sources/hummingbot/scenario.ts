// One Hummingbot stream with its expected trades computed by hand (see each comment).
import { orderFilled, type TestFill } from "../../fixtures/hummingbot/messages.js";
import { T0 } from "./harness.js";

export const FILLS: TestFill[] = [
  { id: "f1", side: "buy", pair: "BTC-USDT", price: 100, amount: 1, percent: 0.001, t: T0 + 1 }, // fee 0.1
  {
    id: "g1",
    side: "sell",
    pair: "ETH-USDT",
    price: 50,
    amount: 2,
    flat: [
      { token: "USDT", amount: 0.2 },
      { token: "BNB", amount: 0.001 },
    ],
    t: T0 + 2,
  },
  { id: "f2", side: "buy", pair: "BTC-USDT", price: 110, amount: 1, t: T0 + 3 },
  // closes f1 (+20 − 0.1) and half of f2 (+5), own fee 0.001 × 120 × 1.5 = 0.18: 24.72
  { id: "f3", side: "sell", pair: "BTC-USDT", price: 120, amount: 1.5, percent: 0.001, t: T0 + 4 },
  // closes the other half of f2: (100 − 110) × 0.5 = −5; opens a short 1 @ 100
  { id: "f4", side: "sell", pair: "BTC-USDT", price: 100, amount: 1.5, t: T0 + 5 },
  // covers the short: (100 − 90) × 1 − 0.5 flat = 9.5
  { id: "f5", side: "buy", pair: "BTC-USDT", price: 90, amount: 1, flat: [{ token: "USDT", amount: 0.5 }], t: T0 + 6 },
  // covers g1: (50 − 45) × 2 − 0.2 (g1's USDT fee; its BNB fee has no USDT value) − 0.002 × 45 × 2 = 9.62
  { id: "g2", side: "buy", pair: "ETH-USDT", price: 45, amount: 2, percent: 0.002, t: T0 + 7 },
];

export const EXPECTED_TRADES = [
  { id: "f3", pnl: 24.72, side: "long", symbol: "BTC-USDT", opened_at: (T0 + 1) * 1000, ts: (T0 + 4) * 1000 },
  { id: "f4", pnl: -5, side: "long", symbol: "BTC-USDT", opened_at: (T0 + 3) * 1000, ts: (T0 + 5) * 1000 },
  { id: "f5", pnl: 9.5, side: "short", symbol: "BTC-USDT", opened_at: (T0 + 5) * 1000, ts: (T0 + 6) * 1000 },
  { id: "g2", pnl: 9.62, side: "short", symbol: "ETH-USDT", opened_at: (T0 + 2) * 1000, ts: (T0 + 7) * 1000 },
];
export const EXPECTED_PNL = 24.72 - 5 + 9.5 + 9.62;

export const filled = (i: number) => orderFilled(FILLS[i]!);
