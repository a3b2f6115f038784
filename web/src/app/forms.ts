import type { Problem } from '../problem.js';
import { fieldId, type Text, type TextKey } from '../texts.js';
import { h, tp } from './dom.js';
import { setKey, setPair } from './i18n.js';

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLFieldSetElement;

const messageOf = (form: HTMLFormElement, kind: 'error' | 'success') =>
  document.getElementById(`${form.id}-${kind}`);

function describedBy(control: Element, add: string | undefined, remove: string | undefined): void {
  const ids = new Set((control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean));
  if (remove) ids.delete(remove);
  if (add) ids.add(add);
  if (ids.size === 0) control.removeAttribute('aria-describedby');
  else control.setAttribute('aria-describedby', [...ids].join(' '));
}

/** Removes every message of a form (and of fields it owns). */
export function clearMessages(form: HTMLFormElement): void {
  const error = messageOf(form, 'error');
  if (error) {
    error.hidden = true;
    error.replaceChildren();
  }
  messageOf(form, 'success')?.replaceChildren();
  for (const slot of form.querySelectorAll<HTMLElement>('.field-error')) {
    slot.hidden = true;
    slot.replaceChildren();
    const control = document.getElementById(slot.id.replace(/-error$/, ''));
    if (control) {
      control.removeAttribute('aria-invalid');
      if (control.tagName !== 'FIELDSET') describedBy(control, undefined, slot.id);
    }
  }
}

/**
 * Shows an API problem: its text at the top of the form (role=alert), each field's text next to its field
 * (aria-invalid, aria-describedby), and moves focus to the first field in error. Field errors for fields not
 * on the page are listed in the form's message instead.
 */
export function showProblem(form: HTMLFormElement, problem: Problem): void {
  clearMessages(form);
  const unplaced: Text[] = [];
  let first: Control | undefined;
  for (const error of problem.errors) {
    const id = error.field === '' ? undefined : fieldId(error.field);
    const control = id ? (document.getElementById(id) as Control | null) : null;
    const slot = id ? document.getElementById(`${id}-error`) : null;
    if (!control || !slot) {
      unplaced.push(error.message);
      continue;
    }
    if (!slot.hidden) continue;
    slot.hidden = false;
    slot.replaceChildren(tp(error.message, 'span'));
    control.setAttribute('aria-invalid', 'true');
    if (control.tagName !== 'FIELDSET') describedBy(control, slot.id, undefined);
    first ??= control;
  }
  const summary = messageOf(form, 'error');
  if (summary) {
    summary.hidden = false;
    summary.replaceChildren(tp(problem.message, 'p'));
    if (unplaced.length > 0) summary.append(h('ul', {}, ...unplaced.map((text) => tp(text, 'li'))));
  }
  if (first) first.focus();
  else summary?.focus();
}

/** Shows a confirmation; the errors of an earlier attempt go, so "Opgeslagen." never stands next to them. */
export function showSuccess(form: HTMLFormElement, message: TextKey | Text): void {
  clearMessages(form);
  const slot = messageOf(form, 'success');
  if (!slot) return;
  const p = h('p');
  if (typeof message === 'string') setKey(p, message);
  else setPair(p, message);
  slot.replaceChildren(p);
}

/** The form's named text inputs and selects as [path, value] pairs. */
export function values(form: HTMLFormElement): [string, string][] {
  return [
    ...form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
      'input[name], textarea[name], select[name]',
    ),
  ]
    .filter((input) => input.type !== 'checkbox' && input.type !== 'radio')
    .map((input) => [input.name, input.value]);
}

/**
 * Runs a submit handler with the form's buttons disabled, so a double press sends nothing twice. The handler
 * learns which button sent the form (null when Enter in a field did).
 */
export function onSubmit(
  form: HTMLFormElement,
  handler: (submitter: HTMLElement | null) => Promise<void>,
): void {
  const submitButtons = () => [...form.querySelectorAll<HTMLButtonElement>('button[type="submit"]')];
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const submitter = event instanceof SubmitEvent ? event.submitter : null;
    const buttons = submitButtons();
    if (buttons.some((button) => button.disabled)) return;
    for (const button of buttons) button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    handler(submitter)
      .catch((error: unknown) => {
        if (error instanceof Error && error.message === 'session ended') return;
        throw error;
      })
      .finally(() => {
        for (const button of buttons) button.disabled = false;
        form.removeAttribute('aria-busy');
      });
  });
  // The page's buttons start disabled (pages.ts): only now can a press be handled without losing anything.
  for (const button of submitButtons()) button.disabled = false;
}

export function setValue(form: HTMLFormElement, name: string, value: string | undefined): void {
  const input = form.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`);
  if (!input) return;
  input.value = value ?? '';
  // What the script fills in counts as the field's own value, so a draft holds only what was typed.
  if (input instanceof HTMLInputElement) input.defaultValue = input.value;
}
