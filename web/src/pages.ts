import { getCountrySpecifications } from 'ibantools';
import { commonCountries, countryName } from '../../shared/domain/address.js';
import { portalMetaContentSecurityPolicy } from './security.js';
import { statementIntro, statementSections, statementTitle, type Block, type ClaimId } from './statement.js';
import { fieldId, requestTypeIds, requestTypeTexts, texts, type Text, type TextKey } from './texts.js';

/**
 * The portal's HTML, generated at build time (local/web-build.ts). Dutch text is rendered in; each element
 * carries its text key (`data-i18n`) or both texts (`data-nl`/`data-en`) so the browser can switch to
 * English. No inline script, no style attribute: the CSP forbids both. DOM-free.
 */

export type PageId =
  | 'home'
  | 'signup'
  | 'confirm'
  | 'sign-in'
  | 'my-data'
  | 'export'
  | 'marketing'
  | 'request'
  | 'confirm-request'
  | 'requests'
  | 'budget-reviews'
  | 'privacy'
  | 'not-found';

export interface Assets {
  /** Path of the script bundle, e.g. `/assets/app-ABC.js`. */
  script: string;
  stylesheet: string;
}

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** An element whose text is a dictionary entry. */
function tx(key: TextKey, tag = 'span', attributes = ''): string {
  return `<${tag} data-i18n="${key}"${attributes ? ` ${attributes}` : ''}>${escapeHtml(texts[key].nl)}</${tag}>`;
}

/** An element whose two texts come from elsewhere (the policy file). */
function pair(text: Text, tag = 'span', attributes = ''): string {
  return `<${tag} data-nl="${escapeHtml(text.nl)}" data-en="${escapeHtml(text.en)}"${
    attributes ? ` ${attributes}` : ''
  }>${escapeHtml(text.nl)}</${tag}>`;
}

interface FieldOptions {
  /** The API's field path, e.g. `address.postcode`; also the input's name. */
  name: string;
  label: TextKey;
  type?: 'text' | 'email';
  autocomplete?: string;
  hint?: TextKey;
  required?: boolean;
  inputmode?: 'numeric' | 'email' | 'text';
  maxlength?: number;
  value?: string;
  /** Extra class on the wrapper, for narrow fields. */
  size?: 'short' | 'medium';
}

/** Label, hint, error slot and input; the browser links the error with aria-describedby when it shows. */
export function field(options: FieldOptions): string {
  const id = fieldId(options.name);
  const required = options.required ?? true;
  const hintId = `${id}-hint`;
  const attributes = [
    `id="${id}"`,
    `name="${options.name}"`,
    `type="${options.type ?? 'text'}"`,
    options.autocomplete ? `autocomplete="${options.autocomplete}"` : 'autocomplete="off"',
    options.inputmode ? `inputmode="${options.inputmode}"` : '',
    options.maxlength ? `maxlength="${options.maxlength}"` : '',
    options.value !== undefined ? `value="${escapeHtml(options.value)}"` : '',
    required ? 'required' : '',
    options.hint ? `aria-describedby="${hintId}"` : '',
    'spellcheck="false"',
  ].filter(Boolean);
  return `<div class="field${options.size ? ` field-${options.size}` : ''}">
  <label for="${id}">${tx(options.label)}${required ? '' : ` ${tx('common.optional', 'span', 'class="optional"')}`}</label>
  ${options.hint ? tx(options.hint, 'p', `class="hint" id="${hintId}"`) : ''}
  <p class="field-error" id="${id}-error" hidden></p>
  <input ${attributes.join(' ')}>
</div>`;
}

/**
 * A submit button, disabled until the script has attached the form's handler (forms.ts `onSubmit`): a form
 * sent before the script has loaded would otherwise go to the page's own URL and lose what was typed.
 */
function submit(key: TextKey): string {
  return `<button type="submit" class="button" data-i18n="${key}" disabled>${escapeHtml(texts[key].nl)}</button>`;
}

/** Every country with an IBAN, the three the portal's licensees live in first; names in Dutch and English. */
function countryOptions(): string {
  const others = Object.keys(getCountrySpecifications())
    .filter((code) => /^[A-Z]{2}$/.test(code) && !(commonCountries as readonly string[]).includes(code))
    .sort((a, b) => countryName(a, 'nl').localeCompare(countryName(b, 'nl'), 'nl'));
  return [...commonCountries, ...others]
    .map((code) =>
      pair(
        { nl: countryName(code, 'nl'), en: countryName(code, 'en') },
        'option',
        `value="${code}"${code === 'NL' ? ' selected' : ''}`,
      ),
    )
    .join('');
}

function countryField(name: string): string {
  const id = fieldId(name);
  return `<div class="field field-medium">
  <label for="${id}">${tx('field.country')}</label>
  <p class="field-error" id="${id}-error" hidden></p>
  <select id="${id}" name="${name}" autocomplete="country" required>${countryOptions()}</select>
</div>`;
}

/** The message area of a form: problems (role=alert) and confirmations (role=status). */
function formMessages(formId: string): string {
  return `<div class="form-error" id="${formId}-error" role="alert" tabindex="-1" hidden></div>
  <div class="form-success" id="${formId}-success" role="status"></div>`;
}

/**
 * Forms are sent by the script, as JSON in a request body. `method="post"` keeps every typed value out of the
 * URL even if a form were ever sent without it; without JavaScript the forms are not shown at all
 * (`needs-script`, CSS `scripting: none`) and the page's notice says what to do instead.
 */
function form(id: string, content: string, { hidden = false } = {}): string {
  return `<form id="${id}" class="form needs-script" method="post" novalidate${hidden ? ' hidden' : ''}>
  ${formMessages(id)}
  ${content}
</form>`;
}

const addressFields = (prefix: string): string => `<div class="row">
  ${field({ name: `${prefix}street`, label: 'field.street', autocomplete: 'address-line1' })}
  ${field({ name: `${prefix}houseNumber`, label: 'field.houseNumber', hint: 'field.houseNumberHint', maxlength: 20, size: 'medium' })}
</div>
<div class="row">
  ${field({ name: `${prefix}postcode`, label: 'field.postcode', autocomplete: 'postal-code', hint: 'field.postcodeHint', size: 'medium' })}
  ${field({ name: `${prefix}city`, label: 'field.city', autocomplete: 'address-level2' })}
</div>
${countryField(`${prefix}country`)}`;

const navItems: { page: PageId; href: string; key: TextKey; when: 'always' | 'signed-in' | 'signed-out' }[] =
  [
    { page: 'home', href: '/', key: 'nav.home', when: 'always' },
    { page: 'signup', href: '/signup.html', key: 'nav.signup', when: 'signed-out' },
    { page: 'sign-in', href: '/sign-in.html', key: 'nav.signIn', when: 'signed-out' },
    { page: 'my-data', href: '/my-data.html', key: 'nav.myData', when: 'signed-in' },
    { page: 'marketing', href: '/marketing.html', key: 'nav.marketing', when: 'signed-in' },
    { page: 'requests', href: '/requests.html', key: 'nav.requests', when: 'signed-in' },
    { page: 'budget-reviews', href: '/budget-reviews.html', key: 'nav.budgetReviews', when: 'signed-in' },
    { page: 'request', href: '/privacy-request.html', key: 'nav.request', when: 'always' },
  ];

function layout(page: PageId, title: TextKey, main: string, assets: Assets): string {
  const nav = navItems
    .map((item) => {
      const current = item.page === page ? ' aria-current="page"' : '';
      const when = item.when === 'always' ? '' : ` data-when="${item.when}"`;
      const hidden = item.when === 'signed-in' ? ' hidden' : '';
      return `<li${when}${hidden}>${tx(item.key, 'a', `href="${item.href}"${current}`)}</li>`;
    })
    .join('\n        ');
  return `<!doctype html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="Content-Security-Policy" content="${portalMetaContentSecurityPolicy}">
  <meta name="referrer" content="no-referrer">
  <title data-i18n="${title}" data-i18n-suffix=" – ZorgSom Privacy">${escapeHtml(texts[title].nl)} – ZorgSom Privacy</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="${assets.stylesheet}">
  <script type="module" src="${assets.script}"></script>
</head>
<body data-page="${page}">
  <a class="skip-link" href="#main">${tx('site.skip')}</a>
  <header class="site-header">
    <div class="wrap header-row">
      <a href="/" class="brand"><img src="/favicon.svg" alt="" width="32" height="32">${tx('site.name')}</a>
      <div class="header-tools">
        <button type="button" class="menu-toggle" id="menu-toggle" aria-expanded="false" aria-controls="site-nav" data-i18n="nav.menu" hidden>${texts['nav.menu'].nl}</button>
        <button type="button" class="language-switch" id="language-switch" lang="en" aria-label="${texts['site.switchLanguageLabel'].nl}">${texts['site.switchLanguage'].nl}</button>
      </div>
    </div>
    <nav class="wrap site-nav" id="site-nav" aria-labelledby="nav-label">
      ${tx('nav.label', 'h2', 'id="nav-label" class="visually-hidden"')}
      <ul class="nav">
        ${nav}
        <li data-when="signed-in" hidden><button type="button" class="link-button" id="sign-out" data-i18n="nav.signOut">${texts['nav.signOut'].nl}</button></li>
      </ul>
    </nav>
  </header>
  <main id="main" class="wrap" tabindex="-1">
    <noscript>${tx('common.noScript', 'p', 'class="notice"')}</noscript>
    <div class="flash" id="flash" role="status"></div>
${main}
  </main>
  <footer class="site-footer">
    <div class="wrap">${tx('footer.contact', 'p', 'data-claim="contact"')}
      <p>${tx('nav.privacy', 'a', 'href="/privacy.html"')}</p></div>
  </footer>
</body>
</html>
`;
}

/** One block of the statement: a paragraph, a list or a table, marked with the claim it makes. */
function block(item: Block, attributes = ''): string {
  const claim = `data-claim="${item.claim}"${attributes ? ` ${attributes}` : ''}`;
  if (item.kind === 'p') return pair(item.text, 'p', claim);
  if (item.kind === 'list') {
    return `<div ${claim}>${item.intro ? pair(item.intro, 'p') : ''}
      <ul>${item.items.map((text) => pair(text, 'li')).join('')}</ul></div>`;
  }
  return `<div class="table-scroll" ${claim}><table class="table">
      <thead><tr>${item.head.map((cell) => pair(cell, 'th', 'scope="col"')).join('')}</tr></thead>
      <tbody>${item.rows.map((row) => `<tr>${row.map((cell) => pair(cell, 'td')).join('')}</tr>`).join('')}</tbody>
    </table></div>`;
}

const statementBlock = (claim: ClaimId): Block => {
  const found = [...statementIntro, ...statementSections.flatMap((section) => section.blocks)].find(
    (candidate) => candidate.claim === claim,
  );
  if (!found) throw new Error(`The statement has no claim ${claim}`);
  return found;
};

/** Home: what the portal is for, and the statement's key promises, each taken from the statement itself. */
function home(): string {
  return `    ${tx('home.title', 'h1')}
    ${tx('home.intro', 'p', 'class="lead"')}
    <section aria-labelledby="start-title" class="cta">
      ${tx('home.start', 'h2', 'id="start-title" class="visually-hidden"')}
      <ul class="actions">
        <li data-when="signed-out">${tx('home.ctaSignup', 'a', 'href="/signup.html" class="button"')}</li>
        <li data-when="signed-out">${tx('home.ctaSignIn', 'a', 'href="/sign-in.html" class="button secondary"')}</li>
        <li data-when="signed-in" hidden>${tx('nav.myData', 'a', 'href="/my-data.html" class="button"')}</li>
        <li>${tx('home.ctaRequest', 'a', 'href="/privacy-request.html" class="button secondary"')}</li>
      </ul>
    </section>
    <section aria-labelledby="summary-title">
      ${tx('home.summaryTitle', 'h2', 'id="summary-title"')}
      ${block(statementBlock('no-patient-access'))}
      ${block(statementBlock('patient-data-refused'))}
      ${block(statementBlock('data-categories'), 'id="data-categories"')}
      ${block(statementBlock('retention'), 'id="retention"')}
      ${block(statementBlock('deadline'), 'id="deadline"')}
      <p>${tx('home.readStatement', 'a', 'href="/privacy.html" class="button secondary"')}</p>
    </section>`;
}

/** The privacy statement itself, generated from the policy file (statement.ts). */
function privacy(): string {
  const sections = statementSections
    .map(
      (section) => `    <section aria-labelledby="${section.id}-title" id="${section.id}">
      ${pair(section.title, 'h2', `id="${section.id}-title"`)}
      ${section.blocks.map((item) => block(item)).join('\n      ')}
    </section>`,
    )
    .join('\n');
  return `    ${pair(statementTitle, 'h1')}
    ${statementIntro.map((item) => block(item, item.claim === 'version' ? 'class="statement-version" id="statement-version"' : '')).join('\n    ')}
    <nav aria-labelledby="toc-title" class="toc">
      ${tx('privacy.contents', 'h2', 'id="toc-title"')}
      <ol>${statementSections.map((section) => `<li>${pair({ nl: section.title.nl.replace(/^[0-9]+\. /, ''), en: section.title.en.replace(/^[0-9]+\. /, '') }, 'a', `href="#${section.id}"`)}</li>`).join('')}</ol>
    </nav>
${sections}`;
}

/** Any URL the portal does not have (local server and CloudFront both answer with this page and 404). */
function notFound(): string {
  return `    ${tx('notFound.title', 'h1')}
    ${tx('notFound.intro', 'p', 'class="lead"')}
    <ul>
      <li>${tx('nav.home', 'a', 'href="/"')}</li>
      <li>${tx('nav.myData', 'a', 'href="/my-data.html"')}</li>
      <li>${tx('nav.privacy', 'a', 'href="/privacy.html"')}</li>
      <li>${tx('nav.request', 'a', 'href="/privacy-request.html"')}</li>
    </ul>`;
}

function signup(): string {
  return `    ${tx('signup.title', 'h1')}
    ${tx('signup.intro', 'p', 'class="lead" data-claim="data-categories"')}
    ${tx('common.noPatientData', 'p', 'class="notice" data-claim="patient-data-refused"')}
    ${form(
      'signup-form',
      `${field({ name: 'name', label: 'field.name', autocomplete: 'name' })}
      <fieldset>
        ${tx('field.address', 'legend')}
        ${addressFields('address.')}
      </fieldset>
      ${field({ name: 'email', label: 'field.email', type: 'email', autocomplete: 'email', inputmode: 'email' })}
      ${field({ name: 'iban', label: 'field.iban', hint: 'field.ibanHint', maxlength: 42 })}
      <fieldset>
        ${tx('signup.marketingLegend', 'legend')}
        <div class="check">
          <input type="checkbox" id="f-marketingOptOut" name="marketingOptOut">
          ${tx('signup.marketingOptOut', 'label', 'for="f-marketingOptOut"')}
        </div>
      </fieldset>
      ${tx('signup.languageHint', 'p', 'class="hint" id="signup-language-hint"')}
      ${submit('signup.submit')}`,
    )}`;
}

function confirm(): string {
  return `    ${tx('confirm.title', 'h1')}
    ${tx('confirm.intro', 'p', 'class="lead" data-claim="code-validity"')}
    ${form(
      'confirm-form',
      `${field({ name: 'email', label: 'field.email', type: 'email', autocomplete: 'email', inputmode: 'email' })}
      ${field({ name: 'code', label: 'field.code', hint: 'field.codeHint', autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 6, size: 'medium' })}
      ${submit('confirm.submit')}`,
    )}
    ${resendForm('confirm-resend-form')}`;
}

/**
 * "Geen code ontvangen? Stuur een nieuwe": asks for a fresh code for the email address in the page's form.
 * The API answers the same for every address (a pending signup gets a new confirmation code, an active
 * licence a sign-in code, an unknown address nothing).
 */
function resendForm(id: string): string {
  return form(
    id,
    `${tx('resend.question', 'p', 'class="hint"')}
      <button type="submit" class="button secondary" data-i18n="resend.submit" disabled>${escapeHtml(texts['resend.submit'].nl)}</button>`,
  );
}

function signIn(): string {
  return `    ${tx('signIn.title', 'h1')}
    ${tx('signIn.intro', 'p', 'class="lead"')}
    ${form(
      'sign-in-code-form',
      `${field({ name: 'email', label: 'field.email', type: 'email', autocomplete: 'email', inputmode: 'email' })}
      ${submit('signIn.sendCode')}`,
    )}
    ${form(
      'sign-in-form',
      `${tx('signIn.codeLegend', 'h2')}
      ${field({ name: 'code', label: 'field.code', hint: 'field.codeHint', autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 6, size: 'medium' })}
      ${submit('signIn.submit')}`,
      { hidden: true },
    )}
    ${resendForm('sign-in-resend-form')}
    <p>${tx('signIn.noAccount', 'a', 'href="/signup.html"')}</p>`;
}

/** One item's edit form on Mijn gegevens: closed until its "Wijzigen" is pressed, with a way back. */
function editForm(id: string, legend: TextKey, content: string, save: TextKey): string {
  return form(
    id,
    `<fieldset>${tx(legend, 'legend')}
        ${content}
        <div class="actions">${submit(save)}
        <button type="button" class="button secondary" data-cancel data-i18n="common.cancel">${escapeHtml(texts['common.cancel'].nl)}</button></div></fieldset>`,
    { hidden: true },
  );
}

function myData(): string {
  return `    ${tx('myData.title', 'h1')}
    ${tx('myData.intro', 'p', 'class="lead"')}
    <section aria-labelledby="view-title">
      ${tx('myData.viewTitle', 'h2', 'id="view-title"')}
      <div class="form-success" id="profile-status" role="status"></div>
      <dl class="facts summary needs-script" id="profile-view" aria-busy="true" tabindex="-1">${tx('common.loading', 'dd')}</dl>
      <div id="edit-area">
      ${tx('common.noPatientData', 'p', 'class="notice" id="edit-notice" data-claim="patient-data-refused" hidden')}
      ${editForm('name-form', 'myData.nameLegend', field({ name: 'name', label: 'field.name', autocomplete: 'name' }), 'myData.saveName')}
      ${editForm('address-form', 'myData.addressLegend', addressFields('address.'), 'myData.saveAddress')}
      ${editForm(
        'email-form',
        'myData.emailLegend',
        `${tx('myData.emailHint', 'p', 'class="hint"')}
        ${field({ name: 'email', label: 'field.email', type: 'email', autocomplete: 'email', inputmode: 'email' })}`,
        'myData.saveEmail',
      )}
      ${form(
        'email-confirm-form',
        `<fieldset>${tx('myData.emailConfirm', 'legend')}
        ${tx('myData.emailPending', 'p')}
        ${field({ name: 'code', label: 'field.code', hint: 'field.codeHint', autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 6, size: 'medium' })}
        ${submit('myData.emailConfirm')}</fieldset>`,
        { hidden: true },
      )}
      ${editForm('iban-form', 'myData.ibanLegend', field({ name: 'iban', label: 'field.iban', hint: 'field.ibanHint', maxlength: 42 }), 'myData.saveIban')}
      ${editForm(
        'language-form',
        'myData.languageLegend',
        `${tx('myData.languageHint', 'p', 'class="hint"')}
        <div class="check"><input type="radio" id="f-language-nl" name="language" value="nl">${tx('myData.mailLanguageNl', 'label', 'for="f-language-nl"')}</div>
        <div class="check"><input type="radio" id="f-language-en" name="language" value="en">${tx('myData.mailLanguageEn', 'label', 'for="f-language-en"')}</div>`,
        'myData.saveLanguage',
      )}
      ${form(
        'licence-end-form',
        `<fieldset>${tx('licenceEnd.legend', 'legend')}
        ${tx('licenceEnd.consequences', 'p', 'class="notice" data-claim="licence-end"')}
        <div class="actions">${submit('licenceEnd.confirm')}
        <button type="button" class="button secondary" data-cancel data-i18n="licenceEnd.keep">${escapeHtml(texts['licenceEnd.keep'].nl)}</button></div></fieldset>`,
        { hidden: true },
      )}
      </div>
    </section>
    <section aria-labelledby="export-title">
      ${tx('myData.exportTitle', 'h2', 'id="export-title"')}
      ${tx('myData.exportIntro', 'p', 'data-claim="overview"')}
      <div class="form-error" id="export-error" role="alert" tabindex="-1" hidden></div>
      <div class="form-success" id="export-success" role="status"></div>
      <ul class="actions">
        <li><button type="button" class="button" id="export-pdf" data-i18n="myData.exportPdf" disabled>${texts['myData.exportPdf'].nl}</button></li>
        <li><button type="button" class="button secondary" id="export-json" data-i18n="myData.exportJson" disabled>${texts['myData.exportJson'].nl}</button></li>
        <li>${tx('myData.exportPage', 'a', 'href="/export.html" class="button secondary"')}</li>
      </ul>
    </section>
    <section aria-labelledby="more-title">
      ${tx('myData.moreTitle', 'h2', 'id="more-title"')}
      <ul>
        <li>${tx('myData.deleteHint', 'a', 'href="/privacy-request.html"')}</li>
        <li>${tx('requests.title', 'a', 'href="/requests.html"')}</li>
      </ul>
    </section>`;
}

function exportPage(): string {
  return `    ${tx('export.title', 'h1')}
    ${tx('export.intro', 'p', 'class="lead"')}
    <ul class="actions no-print">
      <li><button type="button" class="button" id="print" data-i18n="export.print">${texts['export.print'].nl}</button></li>
      <li>${tx('export.back', 'a', 'href="/my-data.html" class="button secondary"')}</li>
    </ul>
    <div class="form-error" id="export-error" role="alert" tabindex="-1" hidden></div>
    <div id="export-view" class="needs-script" aria-busy="true">${tx('common.loading', 'p')}</div>`;
}

function marketing(): string {
  return `    ${tx('marketing.title', 'h1')}
    ${tx('marketing.intro', 'p', 'class="lead" data-claim="marketing-opt-out"')}
    ${form(
      'marketing-form',
      `<fieldset>
        ${tx('marketing.legend', 'legend')}
        <div class="check"><input type="radio" id="f-marketing-in" name="marketing" value="in">${tx('marketing.in', 'label', 'for="f-marketing-in"')}</div>
        <div class="check"><input type="radio" id="f-marketing-out" name="marketing" value="out">${tx('marketing.out', 'label', 'for="f-marketing-out"')}</div>
      </fieldset>
      ${submit('common.save')}`,
    )}`;
}

function request(): string {
  const types = requestTypeIds
    .map(
      (type, index) =>
        `<div class="check"><input type="radio" id="f-type-${type}" name="type" value="${type}"${
          index === 0 ? ' checked' : ''
        }>${pair(requestTypeTexts[type], 'label', `for="f-type-${type}"`)}</div>`,
    )
    .join('\n        ');
  return `    ${tx('request.title', 'h1')}
    ${tx('request.intro', 'p', 'class="lead" data-claim="deadline"')}
    ${form(
      'request-form',
      `<fieldset id="f-type" tabindex="-1" aria-describedby="f-type-error">
        ${tx('request.typeLegend', 'legend')}
        <p class="field-error" id="f-type-error" hidden></p>
        ${types}
      </fieldset>
      <div class="field">
        <label for="f-message">${tx('request.message')} ${tx('common.optional', 'span', 'class="optional"')}</label>
        ${tx('request.messageHint', 'p', 'class="hint" id="f-message-hint"')}
        <p class="field-error" id="f-message-error" hidden></p>
        <textarea id="f-message" name="message" rows="5" maxlength="4000" aria-describedby="f-message-hint"></textarea>
      </div>
      <div id="by-email" data-when="signed-out">
        ${tx('request.signedOutIntro', 'p', 'class="notice" data-claim="request-confirmation"')}
        ${field({ name: 'email', label: 'field.email', type: 'email', autocomplete: 'email', inputmode: 'email' })}
      </div>
      ${submit('request.submit')}`,
    )}
    <section id="deletion-confirm" class="confirm-step" aria-labelledby="deletion-confirm-title" tabindex="-1" hidden>
      ${tx('request.deletionLegend', 'h2', 'id="deletion-confirm-title"')}
      ${tx('request.deletionConsequences', 'p', 'class="notice" data-claim="deletion"')}
      <div class="actions">
        <button type="button" class="button danger" id="deletion-confirm-yes" data-i18n="request.deletionConfirm">${escapeHtml(texts['request.deletionConfirm'].nl)}</button>
        <button type="button" class="button secondary" id="deletion-confirm-no" data-i18n="request.deletionBack">${escapeHtml(texts['request.deletionBack'].nl)}</button>
      </div>
    </section>
    <div id="request-result" hidden></div>`;
}

function confirmRequest(): string {
  return `    ${tx('confirmRequest.title', 'h1')}
    <div class="form-error" id="confirm-request-error" role="alert" tabindex="-1" hidden></div>
    ${tx('confirmRequest.busy', 'p', 'id="confirm-request-busy" class="needs-script"')}
    <div id="request-result" hidden></div>`;
}

function requests(): string {
  return `    ${tx('requests.title', 'h1')}
    ${tx('requests.intro', 'p', 'class="lead" data-claim="deadline"')}
    <p>${tx('requests.new', 'a', 'href="/privacy-request.html" class="button"')}</p>
    <div class="form-error" id="requests-error" role="alert" tabindex="-1" hidden></div>
    <div id="requests-view" class="needs-script" aria-busy="true">${tx('common.loading', 'p')}</div>`;
}

/** Statement §4: the licensee decides on ZorgSom's requests for patient data; the list comes from the API. */
function budgetReviews(): string {
  return `    ${tx('budget.title', 'h1')}
    ${tx('budget.intro', 'p', 'class="lead" id="budget-intro" data-claim="budget-review"')}
    <div class="form-error" id="budget-reviews-error" role="alert" tabindex="-1" hidden></div>
    <div class="form-success" id="budget-reviews-success" role="status" tabindex="-1"></div>
    <div id="budget-reviews-view" class="needs-script" aria-busy="true">${tx('common.loading', 'p')}</div>`;
}

export const pages: Record<PageId, { file: string; title: TextKey; render: () => string }> = {
  home: { file: 'index.html', title: 'home.title', render: home },
  signup: { file: 'signup.html', title: 'signup.title', render: signup },
  confirm: { file: 'confirm.html', title: 'confirm.title', render: confirm },
  'sign-in': { file: 'sign-in.html', title: 'signIn.title', render: signIn },
  'my-data': { file: 'my-data.html', title: 'myData.title', render: myData },
  export: { file: 'export.html', title: 'export.title', render: exportPage },
  marketing: { file: 'marketing.html', title: 'marketing.title', render: marketing },
  request: { file: 'privacy-request.html', title: 'request.title', render: request },
  'confirm-request': { file: 'confirm-request.html', title: 'confirmRequest.title', render: confirmRequest },
  requests: { file: 'requests.html', title: 'requests.title', render: requests },
  'budget-reviews': { file: 'budget-reviews.html', title: 'budget.title', render: budgetReviews },
  privacy: { file: 'privacy.html', title: 'privacy.title', render: privacy },
  'not-found': { file: '404.html', title: 'notFound.title', render: notFound },
};

/** Every page as file name → HTML. */
export function renderPages(assets: Assets): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, page] of Object.entries(pages) as [PageId, (typeof pages)[PageId]][]) {
    out[page.file] = layout(id, page.title, page.render(), assets);
  }
  return out;
}
