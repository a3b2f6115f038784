import { formatHouseNumber } from '../../../shared/domain/address.js';
import { messages } from '../../../shared/domain/problems.js';
import type { PageId } from '../pages.js';
import { formatIban, nest, parseConfirmFragment, type Problem } from '../problem.js';
import { texts, type Text, type TextKey } from '../texts.js';
import { base64OfBytes, uploadContentType, uploadProblem } from '../upload.js';
import { api, apiFile } from './api.js';
import { byId, go, h, tk, tp } from './dom.js';
import { clearMessages, onSubmit, setValue, showProblem, showSuccess, values } from './forms.js';
import { language } from './i18n.js';
import {
  currentToken,
  isSignedIn,
  pendingEmail,
  setFlash,
  setPendingEmail,
  setReturnPath,
  startSession,
  takeDraft,
  takeReturnPath,
} from './session.js';
import type { BudgetReviewView, LicenseeExport, ProfileView, RequestView, SessionView } from './types.js';
import {
  budgetFormIds,
  budgetReviewSection,
  exportView,
  profileFacts,
  requestSummary,
  requestsTable,
  sortBudgetReviews,
} from './views.js';

const formById = (id: string): HTMLFormElement => byId<HTMLFormElement>(id);

/** Pages behind a session send a visitor without one to sign in first. */
function requireSession(): boolean {
  if (currentToken()) return true;
  setReturnPath(window.location.pathname);
  setFlash('common.sessionExpired');
  go('/sign-in.html');
  return false;
}

function signedIn(session: SessionView): void {
  startSession(session);
  go(takeReturnPath() ?? '/my-data.html');
}

function signup(): void {
  const form = formById('signup-form');
  onSubmit(form, async () => {
    const body = {
      ...nest(values(form)),
      marketingOptOut: byId<HTMLInputElement>('f-marketingOptOut').checked,
      // Mails to the new licensee are in the language the portal is read in now.
      language: language(),
    };
    const result = await api('POST', '/api/licensees', { body });
    if (!result.ok) return showProblem(form, result.problem);
    setPendingEmail(byId<HTMLInputElement>('f-email').value.trim());
    setFlash('signup.done');
    go('/confirm.html');
  });
}

/** The code of a mailed link (`confirm.html#code=123456`), removed from the address bar at once. */
function codeFromFragment(): string | undefined {
  const code = /^#code=([0-9]{6})$/.exec(window.location.hash)?.[1];
  if (window.location.hash) history.replaceState(null, '', window.location.pathname);
  return code;
}

/** "Stuur een nieuwe code" for the email address typed in `emailInput`. */
function resend(formId: string, emailInput: () => HTMLInputElement): void {
  const form = formById(formId);
  onSubmit(form, async () => {
    const email = emailInput();
    if (email.value.trim() === '') {
      showProblem(form, localProblem([{ field: email.name, message: texts['resend.needEmail'] }]));
      return;
    }
    const result = await api('POST', '/api/sign-in/code', { body: { email: email.value } });
    if (!result.ok) return showProblem(form, result.problem);
    showSuccess(form, 'resend.sent');
  });
}

function confirm(): void {
  const form = formById('confirm-form');
  setValue(form, 'email', pendingEmail());
  const email = byId<HTMLInputElement>('f-email');
  const linked = codeFromFragment();
  if (linked) {
    setValue(form, 'code', linked);
    showSuccess(form, 'confirm.fromLink');
  }
  (email.value ? byId('f-code') : email).focus();
  onSubmit(form, async () => {
    const result = await api<SessionView>('POST', '/api/licensees/confirm', { body: nest(values(form)) });
    if (!result.ok) return showProblem(form, result.problem);
    setPendingEmail(null);
    setFlash('confirm.welcome');
    signedIn(result.data);
  });
  resend('confirm-resend-form', () => email);
}

/** The token of a mailed sign-in link (`sign-in.html#link=…`), removed from the address bar at once. */
function linkFromFragment(): string | undefined {
  const token = /^#link=([0-9A-Za-z._-]{1,100})$/.exec(window.location.hash)?.[1];
  if (window.location.hash) history.replaceState(null, '', window.location.pathname);
  return token;
}

function signIn(): void {
  const codeForm = formById('sign-in-code-form');
  const signInForm = formById('sign-in-form');
  const linked = linkFromFragment();
  if (linked) {
    void api<SessionView>('POST', '/api/sign-in/link', { body: { token: linked } }).then((result) => {
      if (result.ok) return signedIn(result.data);
      // Used, replaced by a newer mail, or expired: the code form right here asks for a new one.
      showProblem(codeForm, result.problem);
    });
  }
  onSubmit(codeForm, async () => {
    clearMessages(signInForm);
    const result = await api('POST', '/api/sign-in/code', { body: nest(values(codeForm)) });
    if (!result.ok) return showProblem(codeForm, result.problem);
    showSuccess(codeForm, 'signIn.codeSent');
    signInForm.hidden = false;
    byId('f-code').focus();
  });
  onSubmit(signInForm, async () => {
    clearMessages(codeForm);
    const body = {
      email: byId<HTMLInputElement>('f-email').value,
      code: byId<HTMLInputElement>('f-code').value,
    };
    const result = await api<SessionView>('POST', '/api/sign-in', { body });
    if (!result.ok) return showProblem(signInForm, result.problem);
    signedIn(result.data);
  });
  resend('sign-in-resend-form', () => byId<HTMLInputElement>('f-email'));
}

const editForms = [
  'name-form',
  'address-form',
  'email-form',
  'iban-form',
  'language-form',
  'licence-end-form',
];
/** Set once the licence is ended here, so the summary can show the destruction date. */
let destroyedBy: string | null = null;

function fillProfile(view: ProfileView): void {
  const facts = byId('profile-view');
  facts.replaceChildren(...profileFacts({ ...view, destroyedBy }, { editable: true }));
  facts.removeAttribute('aria-busy');
  const data = view.personalData;
  setValue(formById('name-form'), 'name', data.name);
  const address = formById('address-form');
  for (const key of ['street', 'postcode', 'city', 'country'] as const) {
    setValue(address, `address.${key}`, data.address[key]);
  }
  // One field, written the way the licensee would type it: "12A-2".
  setValue(address, 'address.houseNumber', formatHouseNumber(data.address, data.address.country));
  setValue(formById('email-form'), 'email', data.email);
  setValue(formById('iban-form'), 'iban', formatIban(data.iban));
  formById('email-confirm-form').hidden = !view.emailChangePending;
  byId<HTMLInputElement>(`f-language-${view.language}`).checked = true;
}

/** One form open at a time: the chosen item's, with focus in its first field. */
function openEditor(id: string | undefined): void {
  for (const formId of editForms) {
    const form = formById(formId);
    if (formId !== id && !form.hidden) clearMessages(form);
    form.hidden = formId !== id;
  }
  byId('edit-notice').hidden = id === undefined || id === 'licence-end-form';
  for (const button of document.querySelectorAll<HTMLElement>('#profile-view [data-edit]')) {
    button.setAttribute('aria-expanded', String(button.dataset.edit === id));
  }
  if (!id) return;
  const form = formById(id);
  form.querySelector<HTMLElement>('input, select, button[type="submit"]')?.focus();
}

function closeEditor(id: string): void {
  openEditor(undefined);
  document.querySelector<HTMLElement>(`#profile-view [data-edit="${id}"]`)?.focus();
}

function profileStatus(message: TextKey): void {
  const status = byId('profile-status');
  status.replaceChildren(tk(message, 'p'));
}

async function myData(): Promise<void> {
  if (!requireSession()) return;
  const loaded = await api<ProfileView>('GET', '/api/me', { auth: true });
  if (!loaded.ok) {
    const form = formById('name-form');
    form.hidden = false;
    return showProblem(form, loaded.problem);
  }
  fillProfile(loaded.data);
  byId('profile-view').addEventListener('click', (event) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>('[data-edit]');
    if (target?.dataset.edit) openEditor(target.dataset.edit);
  });
  for (const id of editForms) {
    formById(id)
      .querySelector('[data-cancel]')
      ?.addEventListener('click', () => closeEditor(id));
  }

  const patchForm = (id: string) => {
    const form = formById(id);
    onSubmit(form, async () => {
      const result = await api<ProfileView>('PATCH', '/api/me', {
        auth: true,
        body: nest(values(form)),
      });
      if (!result.ok) return showProblem(form, result.problem);
      clearMessages(form);
      fillProfile(result.data);
      closeEditor(id);
      if (id === 'email-form' && result.data.emailChangePending) {
        profileStatus('myData.emailPending');
        byId('f-code').focus();
      } else {
        profileStatus('common.saved');
      }
    });
  };
  patchForm('name-form');
  patchForm('address-form');
  patchForm('email-form');
  patchForm('iban-form');

  const languageForm = formById('language-form');
  onSubmit(languageForm, async () => {
    const chosen = byId<HTMLInputElement>('f-language-en').checked ? 'en' : 'nl';
    const result = await api<ProfileView>('PATCH', '/api/me', { auth: true, body: { language: chosen } });
    if (!result.ok) return showProblem(languageForm, result.problem);
    clearMessages(languageForm);
    fillProfile(result.data);
    closeEditor('language-form');
    profileStatus('common.saved');
  });

  const confirmForm = formById('email-confirm-form');
  onSubmit(confirmForm, async () => {
    const result = await api<ProfileView>('POST', '/api/me/email/confirm', {
      auth: true,
      body: nest(values(confirmForm)),
    });
    if (!result.ok) return showProblem(confirmForm, result.problem);
    clearMessages(confirmForm);
    fillProfile(result.data);
    setValue(confirmForm, 'code', '');
    profileStatus('myData.emailConfirmed');
  });

  // Ending the licence: only after the step that says what follows (licenceEnd.consequences).
  const endForm = formById('licence-end-form');
  onSubmit(endForm, async () => {
    const ended = await api<{ destroyedBy: string | null }>('POST', '/api/me/licence/end', {
      auth: true,
      body: { confirm: true },
    });
    if (!ended.ok) return showProblem(endForm, ended.problem);
    destroyedBy = ended.data.destroyedBy;
    const reloaded = await api<ProfileView>('GET', '/api/me', { auth: true });
    if (reloaded.ok) fillProfile(reloaded.data);
    closeEditor('licence-end-form');
    profileStatus('licenceEnd.done');
    byId('profile-view').focus();
  });

  restoreDraft();

  const download = byId<HTMLButtonElement>('export-json');
  download.addEventListener('click', () => {
    void downloadExport(download, 'json');
  });
  const pdf = byId<HTMLButtonElement>('export-pdf');
  pdf.addEventListener('click', () => {
    void downloadExport(pdf, 'pdf');
  });
  for (const button of [download, pdf]) button.disabled = false;
}

/** What was typed before the session ran out, back in its form (and that form open). */
function restoreDraft(): void {
  const forms = takeDraft(window.location.pathname);
  if (!forms) return;
  let last: string | undefined;
  for (const [formId, entries] of Object.entries(forms)) {
    const form = document.getElementById(formId);
    if (!(form instanceof HTMLFormElement)) continue;
    for (const [name, value] of entries) {
      const input = form.querySelector<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
        `[name="${CSS.escape(name)}"]`,
      );
      if (input) input.value = value;
    }
    last = formId;
  }
  if (last && editForms.includes(last)) openEditor(last);
  byId('flash').replaceChildren(tk('common.draftRestored', 'p'));
}

/** Saves a Blob under a name that is the same for everyone: no personal data in a file name. */
function save(blob: Blob, extension: 'json' | 'pdf'): void {
  const url = URL.createObjectURL(blob);
  const name = `${language() === 'nl' ? 'zorgsom-overzicht' : 'zorgsom-overview'}.${extension}`;
  const link = h('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function downloadExport(button: HTMLButtonElement, kind: 'json' | 'pdf'): Promise<void> {
  const error = byId('export-error');
  const success = byId('export-success');
  error.hidden = true;
  success.replaceChildren();
  button.disabled = true;
  try {
    let blob: Blob;
    let problem: Problem | undefined;
    if (kind === 'pdf') {
      const result = await apiFile(`/api/me/export.pdf?lang=${language()}`);
      blob = result.ok ? result.blob : new Blob();
      problem = result.ok ? undefined : result.problem;
    } else {
      const result = await api<LicenseeExport>('GET', '/api/me/export', { auth: true });
      blob = new Blob([result.ok ? `${JSON.stringify(result.data, null, 2)}\n` : ''], {
        type: 'application/json',
      });
      problem = result.ok ? undefined : result.problem;
    }
    if (problem) {
      error.hidden = false;
      error.replaceChildren(tp(problem.message, 'p'));
      error.focus();
      return;
    }
    save(blob, kind);
    success.replaceChildren(tk('myData.exportDownloaded', 'p'));
  } finally {
    button.disabled = false;
  }
}

async function exportPage(): Promise<void> {
  if (!requireSession()) return;
  byId('print').addEventListener('click', () => window.print());
  const view = byId('export-view');
  const result = await api<LicenseeExport>('GET', '/api/me/export', { auth: true });
  view.removeAttribute('aria-busy');
  if (!result.ok) {
    view.replaceChildren();
    const error = byId('export-error');
    error.hidden = false;
    error.replaceChildren(tp(result.problem.message, 'p'));
    return;
  }
  view.replaceChildren(...exportView(result.data));
}

async function marketing(): Promise<void> {
  if (!requireSession()) return;
  const form = formById('marketing-form');
  const optIn = byId<HTMLInputElement>('f-marketing-in');
  const optOut = byId<HTMLInputElement>('f-marketing-out');
  const loaded = await api<ProfileView>('GET', '/api/me', { auth: true });
  if (!loaded.ok) return showProblem(form, loaded.problem);
  (loaded.data.marketingOptOut ? optOut : optIn).checked = true;
  onSubmit(form, async () => {
    const result = await api<ProfileView>('PUT', '/api/me/marketing', {
      auth: true,
      body: { optOut: optOut.checked },
    });
    if (!result.ok) return showProblem(form, result.problem);
    showSuccess(form, result.data.marketingOptOut ? 'marketing.savedOut' : 'marketing.savedIn');
  });
}

function showRequestResult(content: HTMLElement[]): void {
  const result = byId('request-result');
  result.hidden = false;
  result.replaceChildren(...content);
  result.setAttribute('tabindex', '-1');
  result.focus();
}

function request(): void {
  const form = formById('request-form');
  const step = byId('deletion-confirm');
  let deletionConfirmed = false;
  byId('deletion-confirm-yes').addEventListener('click', () => {
    deletionConfirmed = true;
    step.hidden = true;
    form.requestSubmit();
  });
  byId('deletion-confirm-no').addEventListener('click', () => {
    step.hidden = true;
    byId('f-type-deletion').focus();
  });
  form.addEventListener('change', () => {
    deletionConfirmed = false;
    step.hidden = true;
  });
  onSubmit(form, async () => {
    const type = form.querySelector<HTMLInputElement>('input[name="type"]:checked')?.value ?? '';
    // Deletion ends the licence once approved: first say so, and send only after a second yes.
    if (type === 'deletion' && !deletionConfirmed) {
      step.hidden = false;
      step.focus();
      return;
    }
    deletionConfirmed = false;
    const message = byId<HTMLTextAreaElement>('f-message').value.trim();
    const base = { type, ...(message ? { message } : {}) };
    if (isSignedIn()) {
      const result = await api<RequestView>('POST', '/api/privacy-requests', { auth: true, body: base });
      if (!result.ok) return showProblem(form, result.problem);
      form.hidden = true;
      showRequestResult([
        tk('request.sentSignedIn', 'h2'),
        requestSummary(result.data),
        h('p', {}, tk('request.seeAll', 'a', { href: '/requests.html' })),
      ]);
    } else {
      const email = byId<HTMLInputElement>('f-email').value;
      const result = await api('POST', '/api/privacy-requests/by-email', { body: { email, ...base } });
      if (!result.ok) return showProblem(form, result.problem);
      form.hidden = true;
      showRequestResult([tk('request.sentByEmail', 'p', { class: 'notice' })]);
    }
  });
}

async function confirmRequest(): Promise<void> {
  const fragment = parseConfirmFragment(window.location.hash);
  // The code is used once; it should not stay in the address bar or the history.
  history.replaceState(null, '', window.location.pathname);
  const busy = byId('confirm-request-busy');
  const error = byId('confirm-request-error');
  const fail = (message: Text) => {
    busy.hidden = true;
    error.hidden = false;
    error.replaceChildren(tp(message, 'p'));
    error.focus();
  };
  if (!fragment) return fail(texts['confirmRequest.noLink']);
  const result = await api<RequestView>('POST', '/api/privacy-requests/confirm', { body: fragment });
  if (!result.ok) return fail(result.problem.message);
  busy.hidden = true;
  showRequestResult([tk('confirmRequest.done', 'h2'), requestSummary(result.data)]);
}

async function requests(): Promise<void> {
  if (!requireSession()) return;
  const view = byId('requests-view');
  const result = await api<{ requests: RequestView[] }>('GET', '/api/me/privacy-requests', { auth: true });
  view.removeAttribute('aria-busy');
  if (!result.ok) {
    view.replaceChildren();
    const error = byId('requests-error');
    error.hidden = false;
    error.replaceChildren(tp(result.problem.message, 'p'));
    return;
  }
  view.replaceChildren(
    result.data.requests.length === 0 ? tk('requests.none', 'p') : requestsTable(result.data.requests),
  );
}

/** A file as base64 (FileReader), for the JSON body; undefined when it cannot be read. */
/** The file's bytes, or undefined when the browser cannot read it (moved, permission, …). */
async function readBytes(file: File): Promise<ArrayBuffer | undefined> {
  try {
    return await file.arrayBuffer();
  } catch {
    return undefined;
  }
}

/** A problem found in the browser, shown the way the API's are. */
const localProblem = (errors: { field: string; message: Text }[]): Problem => ({
  status: 400,
  code: 'invalid-input',
  message: { ...messages['invalid-input'] },
  errors: errors.map((error) => ({ ...error, code: 'invalid-input' })),
});

function showPageMessage(kind: 'error' | 'success', message: TextKey | Text): void {
  const error = byId('budget-reviews-error');
  const success = byId('budget-reviews-success');
  error.hidden = true;
  error.replaceChildren();
  success.replaceChildren();
  const target = kind === 'error' ? error : success;
  target.hidden = false;
  target.replaceChildren(typeof message === 'string' ? tk(message, 'p') : tp(message, 'p'));
  target.focus();
}

/** Statement §4: the licensee decides; patient data is sent only with the consent box ticked. */
async function decideBudgetReview(
  form: HTMLFormElement,
  reviewId: string,
  submitter: HTMLElement | null,
): Promise<void> {
  const ids = budgetFormIds(reviewId);
  const at = (field: string) => `${reviewId}.${field}`;
  if (submitter?.dataset.decision === 'decline') {
    return sendBudgetDecision(form, reviewId, { reviewId, decision: 'decline' }, 'budget.declined');
  }
  // Checked here first, so no file travels without consent, of the wrong type or too large.
  const consent = byId<HTMLInputElement>(ids.consent).checked;
  const file = byId<HTMLInputElement>(ids.upload).files?.[0];
  const errors: { field: string; message: Text }[] = [];
  if (!consent) errors.push({ field: at('patientConsent'), message: { ...messages['consent-required'] } });
  const fileProblem = uploadProblem(file);
  if (fileProblem) errors.push({ field: at('upload'), message: texts[fileProblem] });
  if (errors.length > 0 || !file) return showProblem(form, localProblem(errors));
  const bytes = await readBytes(file);
  if (!bytes) {
    return showProblem(
      form,
      localProblem([{ field: at('upload'), message: texts['budget.fileUnreadable'] }]),
    );
  }
  // The file goes straight to ZorgSom's storage on a URL signed for exactly these bytes (type, length,
  // SHA-256), encrypted there under the budget-review key; then the decision is sent without the file.
  const sha256 = base64OfBytes(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
  const contentType = uploadContentType(file.name, file.type);
  const target = await api<UploadTarget>('POST', '/api/me/budget-reviews/upload-url', {
    auth: true,
    body: { reviewId, contentType, bytes: bytes.byteLength, sha256 },
  });
  if (!target.ok) return showBudgetProblem(form, reviewId, target.problem);
  if (!(await putFile(target.data, bytes))) {
    return showProblem(form, localProblem([{ field: at('upload'), message: texts['budget.uploadFailed'] }]));
  }
  const body = { reviewId, decision: 'accept', patientConsent: true };
  return sendBudgetDecision(form, reviewId, body, 'budget.shared');
}

interface UploadTarget {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}

/** PUT to the presigned URL with exactly the headers it was signed for; false when storage refused it. */
async function putFile(target: UploadTarget, bytes: ArrayBuffer): Promise<boolean> {
  try {
    const response = await fetch(target.url, {
      method: target.method,
      headers: target.headers,
      body: bytes,
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** A refusal of the API for this review's form: decided elsewhere or lapsed → the list; else at the fields. */
async function showBudgetProblem(form: HTMLFormElement, reviewId: string, problem: Problem): Promise<void> {
  if (problem.status === 409 || problem.status === 404) {
    // Decided elsewhere or lapsed: the list shows where it stands now.
    await loadBudgetReviews();
    return showPageMessage('error', problem.message);
  }
  // The API names `patientConsent`, `upload`, `bytes`, `contentType`…: shown at this review's two fields.
  const fileFields = ['upload', 'bytes', 'contentType', 'sha256'];
  const errors = problem.errors.map((error) => ({
    ...error,
    field: `${reviewId}.${fileFields.some((name) => error.field.startsWith(name)) ? 'upload' : error.field}`,
  }));
  return showProblem(form, {
    ...problem,
    // Over the limit at the presign: shown at the file, in the page's own words.
    ...(problem.status === 413
      ? {
          errors: [
            { field: `${reviewId}.upload`, code: 'payload-too-large', message: texts['budget.fileTooLarge'] },
          ],
        }
      : { errors }),
  });
}

async function sendBudgetDecision(
  form: HTMLFormElement,
  reviewId: string,
  body: Record<string, unknown>,
  done: TextKey,
): Promise<void> {
  const result = await api<BudgetReviewView>('POST', '/api/me/budget-reviews/decide', { auth: true, body });
  if (!result.ok) return showBudgetProblem(form, reviewId, result.problem);
  await loadBudgetReviews();
  showPageMessage('success', done);
}

async function loadBudgetReviews(): Promise<void> {
  const view = byId('budget-reviews-view');
  const result = await api<{ reviews: BudgetReviewView[] }>('GET', '/api/me/budget-reviews', { auth: true });
  view.removeAttribute('aria-busy');
  if (!result.ok) {
    view.replaceChildren();
    return showPageMessage('error', result.problem.message);
  }
  const reviews = sortBudgetReviews(result.data.reviews);
  view.replaceChildren(
    ...(reviews.length === 0 ? [tk('budget.none', 'p')] : reviews.map(budgetReviewSection)),
  );
  for (const form of view.querySelectorAll<HTMLFormElement>('form[data-review-id]')) {
    const reviewId = form.dataset.reviewId ?? '';
    onSubmit(form, (submitter) => decideBudgetReview(form, reviewId, submitter));
  }
}

async function budgetReviews(): Promise<void> {
  if (!requireSession()) return;
  await loadBudgetReviews();
}

export const controllers: Record<PageId, () => void | Promise<void>> = {
  home: () => undefined,
  signup,
  confirm,
  'sign-in': signIn,
  'my-data': myData,
  export: exportPage,
  marketing,
  request,
  'confirm-request': confirmRequest,
  requests,
  'budget-reviews': budgetReviews,
  privacy: () => undefined,
  'not-found': () => undefined,
};
