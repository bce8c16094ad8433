import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/temp-root.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests that start real binaries (Prometheus, Alertmanager, Chromium) are heavy on 2 cores.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
