import { can, type Ability } from '../logic.js';
import { consoleSections } from '../shell.js';
import type { ConsoleTextKey } from '../texts.js';
import { whenUnauthorised } from './api.js';
import {
  beginSignIn,
  completeSignIn,
  currentSession,
  endSession,
  loadConfig,
  returnedFromSignOut,
  signOut,
  type StaffSession,
} from './auth.js';
import { byId, h } from './dom.js';
import { applyShellLanguage, language, onLanguageChange, setLanguage, tr } from './i18n.js';
import { pages, type PageContext } from './pages/index.js';
import { button } from './ui.js';

/** The console: signs the staff member in, then routes `#/section/id` to a page drawn into <main>. */
const main = (): HTMLElement => byId('main');
let expiryTimers: number[] = [];
let notice: ConsoleTextKey | undefined;

function banner(key: ConsoleTextKey | undefined): void {
  const element = byId('banner');
  element.replaceChildren(key ? h('p', {}, tr(key)) : '');
  element.classList.toggle('shown', Boolean(key));
}

function showSignedIn(session: StaffSession | undefined): void {
  byId('main-nav').hidden = !session;
  byId('sign-out').hidden = !session;
  const who = byId('who');
  who.hidden = !session;
  if (session) {
    who.textContent = `${tr('auth.signedInAs')} ${session.username} (${tr(`role.${session.role ?? 'none'}`)})`;
    for (const item of document.querySelectorAll<HTMLElement>('#main-nav li[data-route]')) {
      const section = consoleSections.find((entry) => entry.route === item.dataset.route);
      const ability = section && 'ability' in section ? (section.ability as Ability) : undefined;
      item.hidden = ability !== undefined && !can(session.role, ability);
    }
  }
}

function signInPage(message?: ConsoleTextKey): void {
  showSignedIn(undefined);
  document.title = `${tr('auth.title')} – ${tr('site.name')}`;
  const start = button(
    tr('auth.signIn'),
    () => {
      start.disabled = true;
      beginSignIn(window.location.hash).catch(() => {
        start.disabled = false;
        signInPage('auth.noConfig');
      });
    },
    { id: 'sign-in' },
  );
  main().replaceChildren(
    h(
      'div',
      { class: 'sign-in' },
      h('h1', {}, tr('auth.title')),
      message ? h('p', { class: 'notice', role: 'alert' }, tr(message)) : null,
      h('p', {}, tr('auth.intro')),
      start,
    ),
  );
  main().removeAttribute('aria-busy');
}

function scheduleExpiry(session: StaffSession): void {
  for (const timer of expiryTimers) window.clearTimeout(timer);
  const left = session.expiresAt - Date.now();
  expiryTimers = [
    window.setTimeout(() => banner('auth.expiresSoon'), Math.max(0, left - 5 * 60_000)),
    window.setTimeout(() => expire(), Math.max(0, left)),
  ];
}

function expire(): void {
  endSession();
  banner(undefined);
  notice = 'auth.expired';
  render();
}

function parseRoute(): { page: string; id?: string } {
  const parts = window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] ?? 'dashboard', id: parts[1] };
}

let renderCount = 0;

async function render(focus = false): Promise<void> {
  const session = currentSession();
  if (!session) {
    signInPage(notice);
    notice = undefined;
    return;
  }
  showSignedIn(session);
  const route = parseRoute();
  for (const link of document.querySelectorAll<HTMLAnchorElement>('#main-nav a')) {
    if (link.getAttribute('href') === `#/${route.page}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const target = main();
  target.setAttribute('aria-busy', 'true');
  const mine = (renderCount += 1);
  const context: PageContext = {
    role: session.role,
    username: session.username,
    id: route.id,
    isCurrent: () => mine === renderCount,
  };
  if (!session.role) {
    target.replaceChildren(h('h1', {}, tr('role.none')), h('p', { class: 'notice' }, tr('role.noRole')));
  } else {
    const page = pages[route.page];
    if (page) {
      await page(target, context);
    } else {
      target.replaceChildren(h('h1', {}, tr('common.notFound')));
    }
  }
  if (mine !== renderCount) return;
  target.removeAttribute('aria-busy');
  const heading = target.querySelector('h1');
  document.title = `${heading?.textContent ?? ''} – ${tr('site.name')}`;
  if (focus && heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}

async function start(): Promise<void> {
  applyShellLanguage();
  byId('language-switch').addEventListener('click', () => setLanguage(language() === 'nl' ? 'en' : 'nl'));
  byId('sign-out').addEventListener('click', () => {
    for (const timer of expiryTimers) window.clearTimeout(timer);
    void signOut().then(() => {
      notice = 'auth.signedOut';
      void render();
    });
  });
  whenUnauthorised(() => {
    if (currentSession()) expire();
    else {
      notice = 'auth.expired';
      void render();
    }
  });
  onLanguageChange(() => void render());
  window.addEventListener('hashchange', () => void render(true));

  await loadConfig();
  if (returnedFromSignOut()) notice = 'auth.signedOut';
  const callback = await completeSignIn();
  if (callback.kind === 'failed') notice = 'auth.failed';
  if (callback.kind === 'signed-in' && callback.returnTo) {
    window.history.replaceState(null, '', `${window.location.pathname}${callback.returnTo}`);
  }
  const session = currentSession();
  if (session) scheduleExpiry(session);
  await render();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void start());
else void start();
