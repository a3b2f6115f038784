/** Checks the browser tests share: axe-core, "the page has settled", and moving focus with Tab alone. */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import type { Language } from '../../../web/src/texts.js';

/** An attribute of the focused element (the tests' tsconfig has no DOM types, so the probe is a string). */
export const focused = (page: Page, attribute: string): Promise<string | null> =>
  page.evaluate<string | null>(
    `document.activeElement ? document.activeElement.getAttribute(${JSON.stringify(attribute)}) : null`,
  );

/** axe's findings (WCAG 2.0/2.1 A and AA) as short lines, so a failure says what and where. */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations.flatMap((violation) =>
    violation.nodes.map(
      (node) => `${page.url()} ${violation.id}: ${node.target.join(' ')} — ${violation.help}`,
    ),
  );
}

/** Waits until a page's script has run (it puts the chosen language on <html>) and its data has loaded. */
export async function settled(page: Page, language: Language): Promise<void> {
  // Locators, not waitForFunction: a string predicate would need eval, which the portal's CSP forbids.
  await page.locator(`html[lang="${language}"]`).waitFor({ state: 'attached' });
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
}

/** Presses Tab until the focused element's `attribute` is `value` (never clicks); fails if none is reachable. */
export async function tabUntil(page: Page, attribute: string, value: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i += 1) {
    if ((await focused(page, attribute)) === value) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`No element with ${attribute}="${value}" is reachable with Tab`);
}

export const tabTo = (page: Page, id: string, max = 40): Promise<void> => tabUntil(page, 'id', id, max);

export const tabToLink = (page: Page, href: string, max = 40): Promise<void> =>
  tabUntil(page, 'href', href, max);
