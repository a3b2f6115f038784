/**
 * Browser tests' harness: builds the portal into a temp folder, starts a local stack of its own that serves
 * it (same origin as the API, like CloudFront), and launches Debian's Chromium through playwright-core.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { readOutbox, type OutboxMail } from '../../../local/ses-emulator.js';
import { startLocalStack, type LocalStack, type StackPorts } from '../../../local/stack.js';
import { buildWeb } from '../../../local/web-build.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const screenshotDir = new URL('../../../test-output/screenshots/', import.meta.url).pathname;

/** Browser tests are slow next to unit tests: one stack, one browser, many page loads. */
export const E2E_TIMEOUT = 120_000;

/** A clear failure, never a silent skip, when the browser is not installed. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: the browser tests need Debian's Chromium. Install it with ` +
        '`apt-get update && apt-get install -y chromium` (as root; .ci/run does this in CI), or point ' +
        'CHROMIUM_PATH at another Chromium binary.',
    );
  }
}

export interface Portal {
  url: string;
  stack: LocalStack;
  browser: Browser;
  /**
   * A fresh context (own storage) per scenario; `language` preset in localStorage when given; `phone` is a
   * 375 px wide touch screen; `script: false` turns JavaScript off.
   */
  newPage(options?: {
    language?: 'nl' | 'en';
    phone?: boolean;
    script?: boolean;
  }): Promise<{ context: BrowserContext; page: Page }>;
  /** Waits for the newest mail to `to` received after `since` (epoch seconds) whose text matches. */
  mailTo(to: string, since: number, pattern?: RegExp): Promise<OutboxMail>;
  /** The six-digit code of the newest such mail. */
  codeFor(to: string, since: number): Promise<string>;
  stop(): Promise<void>;
}

/** Every port the stack has, free ones picked by the system. */
const anyFreePorts = (): StackPorts =>
  new Proxy({} as StackPorts, { get: () => 0, ownKeys: () => [], has: () => true }) as StackPorts;

export async function startPortal(): Promise<Portal> {
  requireChromium();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const dataDir = await mkdtemp(join(tmpdir(), 'zorgsom-e2e-'));
  const built = await buildWeb(join(dataDir, 'web'));
  await mkdir(screenshotDir, { recursive: true });
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  try {
    stack = await startLocalStack({
      dataDir,
      persistent: false,
      ports: anyFreePorts(),
      serveHttp: true,
      staticDir: built.outDir,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await stack?.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const liveStack = stack;
  const liveBrowser = browser;
  const url = liveStack.env.PORTAL_URL ?? liveStack.httpUrl ?? '';
  const ses = liveStack.env.SES_ENDPOINT ?? '';

  const mailTo = async (to: string, since: number, pattern = /./): Promise<OutboxMail> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const mails = (await readOutbox(ses, since)).filter(
        (mail) => mail.to.includes(to) && pattern.test(mail.text ?? ''),
      );
      const newest = mails.at(-1);
      if (newest) return newest;
      if (Date.now() > deadline) throw new Error(`No mail to the test address matching ${pattern} arrived`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  return {
    url,
    stack: liveStack,
    browser: liveBrowser,
    async newPage(options = {}) {
      // Playwright's default: a fresh, empty profile for every context.
      const context = await liveBrowser.newContext({
        baseURL: url,
        acceptDownloads: true,
        locale: 'nl-NL',
        javaScriptEnabled: options.script ?? true,
        ...(options.phone
          ? { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
          : { viewport: { width: 1280, height: 900 } }),
      });
      if (options.language) {
        const preset = `if (!localStorage.getItem('zorgsom.language')) localStorage.setItem('zorgsom.language', ${JSON.stringify(options.language)});`;
        await context.addInitScript({ content: preset });
      }
      const page = await context.newPage();
      return { context, page };
    },
    mailTo,
    async codeFor(to, since) {
      const mail = await mailTo(to, since, /\b[0-9]{6}\b/);
      const code = /\b([0-9]{6})\b/.exec(mail.text ?? '')?.[1];
      if (!code) throw new Error('The mail holds no code');
      return code;
    },
    async stop() {
      try {
        await liveBrowser.close();
        await liveStack.stop();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Epoch seconds, for reading only mails sent after a step began. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000) - 1;

let counter = 0;
/** A unique address per scenario, so sign-in rate limits and earlier mails never interfere. */
export function uniqueEmail(label: string): string {
  counter += 1;
  return `${label}.${Date.now().toString(36)}${counter}@example.nl`;
}
