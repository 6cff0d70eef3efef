// Headless Chromium for the browser tests, driven by playwright-core (no browser download): the
// executable named by GATEHOUSE_CHROMIUM (or CHROME_PATH), else Debian's `chromium` package. A
// missing browser fails the test with what to install.
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/** The Chromium executable the browser tests use. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.GATEHOUSE_CHROMIUM || env.CHROME_PATH || DEBIAN_CHROMIUM;
}

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `The browser tests need Chromium at ${executablePath}: install Debian's package with \`apt-get install -y chromium\` ` +
        "(.ci/run does), or name another Chromium executable in GATEHOUSE_CHROMIUM.",
    );
  }
  return chromium.launch({ executablePath, args: FLAGS });
}
