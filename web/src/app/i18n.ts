import { formatDate, isLanguage, texts, type Language, type Text, type TextKey } from '../texts.js';

/** Dutch unless the visitor chose English; the choice is remembered in localStorage (no cookie). */
const storageKey = 'zorgsom.language';

function stored(): Language {
  try {
    const value = localStorage.getItem(storageKey);
    return isLanguage(value) ? value : 'nl';
  } catch {
    return 'nl';
  }
}

let current: Language = stored();

export const language = (): Language => current;
export const text = (key: TextKey): string => texts[key][current];

/** Puts the current language's text into every element that carries a key or a pair of texts. */
export function applyLanguage(root: ParentNode = document): void {
  if (root === document) {
    document.documentElement.lang = current;
    const title = document.querySelector('title');
    const key = title?.dataset.i18n;
    if (title && key && key in texts) {
      document.title = `${texts[key as TextKey][current]}${title.dataset.i18nSuffix ?? ''}`;
    }
    const switcher = document.getElementById('language-switch');
    if (switcher) {
      switcher.textContent = texts['site.switchLanguage'][current];
      switcher.setAttribute('aria-label', texts['site.switchLanguageLabel'][current]);
      switcher.lang = current === 'nl' ? 'en' : 'nl';
    }
  }
  for (const element of root.querySelectorAll<HTMLElement>('body [data-i18n]')) {
    const key = element.dataset.i18n;
    if (key && key in texts) element.textContent = texts[key as TextKey][current];
  }
  for (const element of root.querySelectorAll<HTMLElement>('[data-nl][data-en]')) {
    element.textContent = (current === 'nl' ? element.dataset.nl : element.dataset.en) ?? '';
  }
}

export function setLanguage(next: Language): void {
  current = next;
  try {
    localStorage.setItem(storageKey, next);
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
  applyLanguage();
}

/** Gives an element both texts; it shows the current one and follows a language switch. */
export function setPair(element: HTMLElement, value: Text): void {
  delete element.dataset.i18n;
  element.dataset.nl = value.nl;
  element.dataset.en = value.en;
  element.textContent = value[current];
}

export function setKey(element: HTMLElement, key: TextKey): void {
  delete element.dataset.nl;
  delete element.dataset.en;
  element.dataset.i18n = key;
  element.textContent = texts[key][current];
}

/** A date in both languages. */
export const datePair = (iso: string, withTime = false): Text => ({
  nl: formatDate(iso, 'nl', withTime),
  en: formatDate(iso, 'en', withTime),
});
