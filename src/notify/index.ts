// The notifier's public surface.
export * from "./types.js";
export { DeliveryError, parseRetryAfter } from "./delivery-error.js";
export { renderMessage, escapeHtml } from "./message.js";
export { Dispatcher, type DispatcherOptions } from "./dispatcher.js";
export { deliver, DEFAULT_RETRY_POLICY, type RetryPolicy } from "./deliver.js";
export { buildChannels, type NotificationsSettings } from "./build.js";
export { sendNow, sendTest, testNotification, testResult, type TestResult, type SendTestOptions } from "./send-test.js";
export { digestMessage } from "./digest-text.js";
export { defineChannel, type ChannelDefinition } from "./channel.js";
export { CHANNELS } from "./channels/index.js";
