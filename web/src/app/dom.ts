import type { Text, TextKey } from '../texts.js';
import { setKey, setPair } from './i18n.js';

type Child = Node | string | null | undefined | false;
type Props = Record<string, string | boolean | undefined>;

/** A tiny element builder: text only through textContent, never innerHTML. */
export function h(tag: string, props: Props = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/** An element showing a dictionary text in the current language. */
export function tk(key: TextKey, tag = 'span', props: Props = {}): HTMLElement {
  const element = h(tag, props);
  setKey(element, key);
  return element;
}

/** An element showing one of two given texts. */
export function tp(value: Text, tag = 'span', props: Props = {}): HTMLElement {
  const element = h(tag, props);
  setPair(element, value);
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

export function go(path: string): void {
  window.location.assign(path);
}
