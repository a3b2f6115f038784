import type { Language, Text } from '../../src/texts.js';
import { consoleTexts, type ConsoleTextKey } from '../texts.js';

/** Dutch unless English was chosen; shares the portal's remembered choice (localStorage, no cookie). */
const storageKey = 'zorgsom.language';

function stored(): Language {
  try {
    return localStorage.getItem(storageKey) === 'en' ? 'en' : 'nl';
  } catch {
    return 'nl';
  }
}

let current: Language = stored();
const listeners: (() => void)[] = [];

export const language = (): Language => current;
export const tr = (key: ConsoleTextKey): string => consoleTexts[key][current];
export const pick = (text: Text | undefined, fallback = ''): string => (text ? text[current] : fallback);

export function onLanguageChange(listener: () => void): void {
  listeners.push(listener);
}

/** The shell's fixed texts (`data-i18n`), the page language and the switch's own label. */
export function applyShellLanguage(): void {
  document.documentElement.lang = current;
  for (const element of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = element.dataset.i18n as ConsoleTextKey | undefined;
    if (key && key in consoleTexts) element.textContent = consoleTexts[key][current];
  }
  const switcher = document.getElementById('language-switch');
  if (switcher) {
    switcher.textContent = consoleTexts['site.switchLanguage'][current];
    switcher.setAttribute('aria-label', consoleTexts['site.switchLanguageLabel'][current]);
    switcher.lang = current === 'nl' ? 'en' : 'nl';
  }
  document.getElementById('skip-link')?.replaceChildren(consoleTexts['site.skip'][current]);
  document.getElementById('sign-out')?.replaceChildren(consoleTexts['nav.signOut'][current]);
  document.getElementById('main-nav')?.setAttribute('aria-label', consoleTexts['nav.label'][current]);
}

export function setLanguage(next: Language): void {
  current = next;
  try {
    localStorage.setItem(storageKey, next);
  } catch {
    // No storage: the choice lasts for this page.
  }
  applyShellLanguage();
  for (const listener of listeners) listener();
}

const locale = (): string => (current === 'nl' ? 'nl-NL' : 'en-GB');

/** A date (and time) in Amsterdam time, in the current language. */
export function formatDate(iso: string | null | undefined, withTime = false): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), {
    timeZone: 'Europe/Amsterdam',
    dateStyle: 'medium',
    ...(withTime ? { timeStyle: 'short' } : {}),
  }).format(date);
}

export const formatNumber = (n: number): string => new Intl.NumberFormat(locale()).format(n);
