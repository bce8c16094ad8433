// §2: with no HMAC secret configured, the first start generates one into
// `<data_dir>/hmac_secret` (mode 0600) and logs the file's path — never the secret.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/schema.js";
import type { Logger } from "../logger.js";

export function hmacSecretPath(dataDir: string): string {
  return join(dataDir, "hmac_secret");
}

export function resolveHmacSecrets(config: Config, logger: Logger): string[] {
  if (config.auth.hmac_secrets.length > 0) return config.auth.hmac_secrets;
  const file = hmacSecretPath(config.data_dir);
  if (existsSync(file)) {
    const secret = readFileSync(file, "utf8").trim();
    if (secret) {
      logger.info({ file }, "using the HMAC secret stored in the data directory");
      return [secret];
    }
  }
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret + "\n", { mode: 0o600, flag: "w" });
  chmodSync(file, 0o600);
  logger.warn({ file }, "no HMAC secret configured: generated one; sign writes with the secret in this file");
  return [secret];
}
