import { metaContentSecurityPolicy } from '../src/security.js';
import { consoleTexts, type ConsoleTextKey } from './texts.js';

/**
 * The console's one HTML page (a single-page app routed in the URL's hash), generated at build time by
 * local/console-build.ts. Same CSP as the portal: no inline script or style, nothing from another origin.
 * The fixed texts are rendered in Dutch with their key; the script switches language. DOM-free.
 */
const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const tx = (key: ConsoleTextKey, tag = 'span', attributes = ''): string =>
  `<${tag} data-i18n="${key}"${attributes ? ` ${attributes}` : ''}>${escapeHtml(consoleTexts[key].nl)}</${tag}>`;

/** The console's sections, in menu order; `ability` hides an entry from roles that cannot use it. */
export const consoleSections = [
  { route: 'dashboard', key: 'nav.dashboard' },
  { route: 'requests', key: 'nav.requests' },
  { route: 'inbox', key: 'nav.inbox', ability: 'workInbox' },
  { route: 'licensees', key: 'nav.licensees' },
  // The register is the admins' (its routes are admin-only); the dashboard shows everyone its counts.
  { route: 'breaches', key: 'nav.breaches', ability: 'breaches' },
  { route: 'registers', key: 'nav.registers' },
] as const satisfies readonly { route: string; key: ConsoleTextKey; ability?: string }[];

export function renderConsoleShell(assets: { script: string; stylesheet: string }): string {
  const nav = consoleSections
    .map(
      (section) =>
        `<li data-route="${section.route}">${tx(section.key, 'a', `href="#/${section.route}"`)}</li>`,
    )
    .join('\n        ');
  return `<!doctype html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="Content-Security-Policy" content="${metaContentSecurityPolicy}">
  <meta name="referrer" content="no-referrer">
  <meta name="robots" content="noindex, nofollow">
  <title>${escapeHtml(consoleTexts['site.name'].nl)}</title>
  <link rel="stylesheet" href="${assets.stylesheet}">
  <script type="module" src="${assets.script}"></script>
</head>
<body>
  <a class="skip-link" href="#main" id="skip-link">${escapeHtml(consoleTexts['site.skip'].nl)}</a>
  <header class="console-header">
    <div class="header-row">
      ${tx('site.name', 'span', 'class="brand"')}
      <div class="header-tools">
        <span class="who" id="who" hidden></span>
        <button type="button" class="header-button" id="language-switch" lang="en">${consoleTexts['site.switchLanguage'].nl}</button>
        <button type="button" class="header-button" id="sign-out" hidden>${escapeHtml(consoleTexts['nav.signOut'].nl)}</button>
      </div>
    </div>
    <nav aria-label="${escapeHtml(consoleTexts['nav.label'].nl)}" id="main-nav" hidden>
      <ul class="console-nav">
        ${nav}
      </ul>
    </nav>
  </header>
  <div class="banner" id="banner" role="status"></div>
  <main id="main" tabindex="-1" aria-busy="true">
    <p>${escapeHtml(consoleTexts['common.loading'].nl)}</p>
  </main>
</body>
</html>
`;
}
