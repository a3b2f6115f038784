type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | undefined>;

/** A tiny element builder: text only through text nodes, never innerHTML (the text may be a licensee's). */
export function h(tag: string, props: Props = {}, ...children: (Child | Child[])[]): HTMLElement {
  const element = document.createElement(tag);
  setProps(element, props);
  append(element, children);
  return element;
}

const svgNs = 'http://www.w3.org/2000/svg';

export function s(tag: string, props: Props = {}, ...children: (Child | Child[])[]): SVGElement {
  const element = document.createElementNS(svgNs, tag);
  setProps(element, props);
  append(element, children);
  return element;
}

function setProps(element: Element, props: Props): void {
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(element: Element, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

let counter = 0;
export const uid = (prefix: string): string => `${prefix}-${(counter += 1)}`;

/** Replaces an element's content, skipping the parts a role does not get (null). */
export function mount(target: HTMLElement, ...children: (Node | string | null | false | undefined)[]): void {
  target.replaceChildren(...children.filter((child): child is Node | string => Boolean(child)));
}
