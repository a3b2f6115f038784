import type { Problem } from '../../src/problem.js';
import type { Text } from '../../src/texts.js';
import type { ConsoleTextKey } from '../texts.js';
import { h, uid } from './dom.js';
import { pick, tr } from './i18n.js';

export interface FieldOptions {
  label: ConsoleTextKey;
  name: string;
  type?: 'text' | 'email' | 'date' | 'number' | 'datetime-local';
  required?: boolean;
  hint?: ConsoleTextKey;
  value?: string;
  /** A select instead of an input: value → label. */
  options?: [string, string][];
  textarea?: boolean;
  multiple?: boolean;
  min?: number;
  max?: number;
}

export interface Field {
  wrap: HTMLElement;
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  error: HTMLElement;
}

/** Label, optional hint, error slot and control, linked for assistive technology. */
export function field(options: FieldOptions): Field {
  const id = uid(`f-${options.name}`);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = options.hint ? hintId : undefined;
  let control: Field['control'];
  if (options.options) {
    control = h(
      'select',
      { id, name: options.name, 'aria-describedby': describedBy, multiple: options.multiple },
      options.options.map(([value, label]) =>
        h('option', { value, selected: value === options.value }, label),
      ),
    ) as HTMLSelectElement;
  } else if (options.textarea) {
    control = h('textarea', {
      id,
      name: options.name,
      rows: 4,
      'aria-describedby': describedBy,
      required: options.required,
    }) as HTMLTextAreaElement;
    if (options.value) control.value = options.value;
  } else {
    control = h('input', {
      id,
      name: options.name,
      type: options.type ?? 'text',
      'aria-describedby': describedBy,
      required: options.required,
      autocomplete: 'off',
      spellcheck: 'false',
      min: options.min,
      max: options.max,
    }) as HTMLInputElement;
    if (options.value !== undefined) control.value = options.value;
  }
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const wrap = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, tr(options.label)),
    options.hint ? h('p', { class: 'hint', id: hintId }, tr(options.hint)) : null,
    error,
    control,
  );
  return { wrap, control, error };
}

export function setFieldError(target: Field, message: string | undefined): void {
  target.error.hidden = !message;
  target.error.textContent = message ?? '';
  const ids = [target.control.getAttribute('aria-describedby')?.replace(target.error.id, '').trim()]
    .concat(message ? [target.error.id] : [])
    .filter(Boolean)
    .join(' ');
  if (ids) target.control.setAttribute('aria-describedby', ids);
  else target.control.removeAttribute('aria-describedby');
  if (message) target.control.setAttribute('aria-invalid', 'true');
  else target.control.removeAttribute('aria-invalid');
}

/** Problems (role=alert) and confirmations (role=status) of one form or panel. */
export function messages(): {
  root: HTMLElement;
  problem(p: Problem | string): void;
  ok(text: string): void;
  clear(): void;
} {
  const error = h('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true });
  const success = h('div', { class: 'form-success', role: 'status' });
  const root = h('div', { class: 'messages' }, error, success);
  return {
    root,
    problem(p) {
      success.textContent = '';
      error.hidden = false;
      error.textContent =
        typeof p === 'string'
          ? p
          : [pick(p.message), ...p.errors.map((e) => `${e.field}: ${pick(e.message)}`)].join(' ');
      error.focus();
    },
    ok(text) {
      error.hidden = true;
      success.textContent = text;
    },
    clear() {
      error.hidden = true;
      success.textContent = '';
    },
  };
}

export function button(
  label: string,
  onClick: (event: MouseEvent) => void,
  {
    kind = 'primary',
    id,
    type = 'button',
  }: { kind?: 'primary' | 'secondary' | 'danger' | 'link'; id?: string; type?: string } = {},
): HTMLButtonElement {
  const element = h('button', { type, class: `button ${kind}`, id }, label) as HTMLButtonElement;
  element.addEventListener('click', onClick);
  return element;
}

/** A section with a heading; the heading level follows the page outline (h1 page, h2 sections). */
export function section(title: string, ...children: (Node | null | false | undefined)[]): HTMLElement {
  const headingId = uid('section');
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, title),
    ...children,
  );
}

/**
 * The confirmation step every consequential action has: what will happen (and the exact mail when one
 * goes out), then Confirm or Cancel. Focus moves into the step; Cancel returns it to the opener.
 */
export function confirmStep(
  host: HTMLElement,
  options: {
    intro: string;
    preview?: { subject: string; text: string };
    extra?: Node;
    confirmLabel: string;
    danger?: boolean;
    opener?: HTMLElement;
    onConfirm: () => Promise<void>;
  },
): void {
  const headingId = uid('confirm');
  const status = messages();
  const confirm = button(
    options.confirmLabel,
    () => {
      confirm.disabled = true;
      void options.onConfirm().finally(() => {
        confirm.disabled = false;
      });
    },
    { kind: options.danger ? 'danger' : 'primary' },
  );
  const cancel = button(
    tr('common.cancel'),
    () => {
      host.replaceChildren();
      options.opener?.focus();
    },
    { kind: 'secondary' },
  );
  const box = h(
    'div',
    { class: 'confirm', role: 'group', 'aria-labelledby': headingId, tabindex: '-1' },
    h('p', { id: headingId, class: 'confirm-intro' }, options.intro),
    options.preview
      ? h(
          'figure',
          { class: 'mail-preview' },
          h('figcaption', {}, tr('request.preview')),
          h('p', { class: 'mail-subject' }, options.preview.subject),
          h('pre', { class: 'mail-text' }, options.preview.text),
        )
      : null,
    options.extra ?? null,
    status.root,
    h('div', { class: 'button-row' }, confirm, cancel),
  );
  host.replaceChildren(box);
  box.focus();
  confirmStatus.set(box, status);
}

/** The message area of an open confirmation step, so the action can report a failure inside it. */
export const confirmStatus = new WeakMap<HTMLElement, ReturnType<typeof messages>>();

export function definitionList(rows: [string, Node | string][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}

export function table(headers: string[], rows: (Node | string)[][], caption?: string): HTMLElement {
  // Focusable, so a table wider than a phone can be scrolled with the keyboard too.
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h(
      'table',
      { class: 'table' },
      caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((header) => h('th', { scope: 'col' }, header)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h(
            'tr',
            {},
            row.map((cell) => h('td', {}, cell)),
          ),
        ),
      ),
    ),
  );
}

export const textOf = (map: Record<string, Text>, key: string): string => pick(map[key], key);
