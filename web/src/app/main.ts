import type { PageId } from '../pages.js';
import { texts, type TextKey } from '../texts.js';
import { controllers } from './controllers.js';
import { byId, go, tk } from './dom.js';
import { applyLanguage, language, setLanguage } from './i18n.js';
import { currentToken, endSession, isSignedIn, sessionExpiresAt, setFlash, takeFlash } from './session.js';

/** Shows the parts of the page that fit the visitor's state (signed in or not). */
function showSessionState(): void {
  const signedIn = isSignedIn();
  for (const element of document.querySelectorAll<HTMLElement>('[data-when]')) {
    element.hidden = element.dataset.when !== (signedIn ? 'signed-in' : 'signed-out');
  }
}

function showFlash(): void {
  const key = takeFlash();
  if (key && key in texts) byId('flash').replaceChildren(tk(key as TextKey, 'p'));
}

/** On a phone the menu folds behind one button (CSS shows it below 40rem); elsewhere it is always open. */
function setUpMenu(): void {
  const toggle = document.getElementById('menu-toggle');
  const nav = document.getElementById('site-nav');
  if (!toggle || !nav) return;
  toggle.hidden = false;
  nav.classList.add('foldable');
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('open', open);
  });
}

async function signOut(): Promise<void> {
  // The server ends the session; whatever it answers, this tab forgets the token.
  const token = currentToken();
  if (token) {
    await fetch('/api/sign-out', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(
      () => undefined,
    );
  }
  endSession();
  setFlash('common.signedOut');
  go('/');
}

/** Two minutes before the session ends, a warning (typed data survives a new sign-in: see api.ts). */
function warnBeforeExpiry(): void {
  const endsAt = sessionExpiresAt();
  if (endsAt === undefined) return;
  const warnIn = endsAt - 2 * 60_000 - Date.now();
  const warn = () => {
    if (isSignedIn()) byId('flash').replaceChildren(tk('common.sessionEnding', 'p', { class: 'notice' }));
  };
  if (warnIn <= 0) warn();
  else setTimeout(warn, warnIn);
}

function start(): void {
  applyLanguage();
  showSessionState();
  showFlash();
  warnBeforeExpiry();
  setUpMenu();
  byId('language-switch').addEventListener('click', () => setLanguage(language() === 'nl' ? 'en' : 'nl'));
  byId('sign-out').addEventListener('click', () => void signOut());
  const page = document.body.dataset.page as PageId | undefined;
  if (page && page in controllers) {
    void Promise.resolve(controllers[page]()).catch((error: unknown) => {
      if (error instanceof Error && error.message === 'session ended') return;
      throw error;
    });
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
