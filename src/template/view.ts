/**
 * {@link TemplateView}: the handle a render callback fills a template through.
 *
 * @module
 */
import type { Element, Node } from '@xmldom/xmldom';
import { copyTree } from './clone.js';
import { TemplateError } from './errors.js';
import { isXmlName, xmlSafeText } from './xml-text.js';

const TEXT_NODE = 3;
const ELEMENT_NODE = 1;

/**
 * The elements of one render (or of one repeated copy) by id, with the
 * operations code may apply to them. Every method returns the view, so calls
 * chain. Values are placed as text nodes and attribute values, which the
 * serializer escapes, so no value can ever become markup. Characters XML
 * cannot carry at all (C0 controls, lone surrogates) become U+FFFD, so the
 * output always stays well-formed.
 *
 * @example
 * ```ts
 * template.render((view) => {
 *   view.text('title', entry.title).attr('link', 'href', entry.url);
 *   if (entry.draft === false) view.remove('draft-banner');
 * });
 * ```
 *
 * @category Templates
 */
export class TemplateView {
  readonly #template: string;
  readonly #elements: Map<string, Element>;
  readonly #gone = new Map<string, string>();
  // The attribute to take off repeated copies, so ids stay unique in the
  // output; undefined when the template strips every id anyway.
  readonly #idAttribute: string | undefined;

  /** @internal Views are made by {@link Template.render}. */
  constructor(template: string, elements: Map<string, Element>, idAttribute: string | undefined) {
    this.#template = template;
    this.#elements = elements;
    this.#idAttribute = idAttribute;
  }

  /**
   * Whether `id` can be filled in this view.
   *
   * @example
   * ```ts
   * if (view.has('subtitle')) view.text('subtitle', subtitle);
   * ```
   */
  has(id: string): boolean {
    return this.#elements.has(id);
  }

  /**
   * Replaces the element's content with `value` as text.
   *
   * @throws {@link TemplateError} for an unknown, removed or repeated id.
   * @example
   * ```ts
   * view.text('entry:title', '<script>alert(1)</script>'); // shown, never run
   * ```
   */
  text(id: string, value: string | number): this {
    const element = this.#element(id);
    while (element.firstChild !== null) element.removeChild(element.firstChild);
    element.appendChild(element.ownerDocument!.createTextNode(xmlSafeText(String(value))));
    return this;
  }

  /**
   * Sets an attribute of the element, or removes it when `value` is `null`.
   *
   * @throws {@link TemplateError} for an unknown, removed or repeated id, an
   *   invalid attribute name, or a namespace declaration (`xmlns`, `xmlns:*`),
   *   which would change what the rest of the document means.
   * @example
   * ```ts
   * view.attr('entry:link', 'href', 'https://example.org/blog/first-post');
   * view.attr('entry:link', 'title', null);
   * ```
   */
  attr(id: string, name: string, value: string | number | null): this {
    if (!isXmlName(name)) throw new TemplateError(this.#template, `invalid attribute name ${JSON.stringify(name)} for id ${JSON.stringify(id)}`);
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      throw new TemplateError(this.#template, `namespace declarations cannot be set (${name} on id ${JSON.stringify(id)})`);
    }
    const element = this.#element(id);
    if (value === null) element.removeAttribute(name);
    else element.setAttribute(name, xmlSafeText(String(value)));
    return this;
  }

  /**
   * Removes the element, with the whitespace that indents it.
   *
   * @throws {@link TemplateError} for an unknown, removed or repeated id.
   * @example
   * ```ts
   * if (entries.length > 0) view.remove('empty-message');
   * ```
   */
  remove(id: string): this {
    const element = this.#element(id);
    const parent = element.parentNode;
    if (parent === null) throw new TemplateError(this.#template, `id ${JSON.stringify(id)} is the document's root and cannot be removed`);
    const indent = leadingWhitespace(element);
    if (indent !== undefined) parent.removeChild(indent);
    parent.removeChild(element);
    this.#retire(element, (innerId) =>
      innerId === id ? `id ${JSON.stringify(id)} was removed` : `id ${JSON.stringify(innerId)} was removed with id ${JSON.stringify(id)}`,
    );
    return this;
  }

  /**
   * Replaces the element with one copy per item, in order, each filled by
   * `fill` through a view of its own. In that view the ids inside the copy
   * (and the element's own id) name that copy's elements; in the output the
   * copies carry no `id` attributes, so ids stay unique (set one with
   * {@link TemplateView.attr} if a copy needs it). With no items the element
   * disappears. Afterwards the ids inside it are no longer available here.
   *
   * @throws {@link TemplateError} for an unknown, removed or repeated id, or
   *   the document's root.
   * @example
   * ```ts
   * view.repeat('entry', entries, (item, entry, index) => {
   *   item.text('entry:title', entry.title).attr('entry:link', 'href', entry.url);
   *   if (index === 0) item.attr('entry', 'class', 'newest');
   * });
   * ```
   */
  repeat<T>(id: string, items: Iterable<T>, fill: (view: TemplateView, item: T, index: number) => void): this {
    const prototype = this.#element(id);
    const parent = prototype.parentNode;
    if (parent === null || parent.nodeType !== ELEMENT_NODE) {
      throw new TemplateError(this.#template, `id ${JSON.stringify(id)} is the document's root and cannot be repeated`);
    }
    const inner = new Map<Element, string>();
    for (const [innerId, element] of this.#elements) if (isWithin(element, prototype)) inner.set(element, innerId);
    const indent = leadingWhitespace(prototype);
    let index = 0;
    for (const item of items) {
      const copy = copyTree(prototype, prototype.ownerDocument!) as Element;
      if (index > 0 && indent !== undefined) parent.insertBefore(prototype.ownerDocument!.createTextNode(indent.nodeValue ?? ''), prototype);
      parent.insertBefore(copy, prototype);
      const scoped = new Map<string, Element>();
      matchElements(prototype, copy, (original, copied) => {
        const innerId = inner.get(original);
        if (innerId === undefined) return;
        scoped.set(innerId, copied);
        if (this.#idAttribute !== undefined) copied.removeAttribute(this.#idAttribute);
      });
      fill(new TemplateView(this.#template, scoped, this.#idAttribute), item, index);
      index++;
    }
    if (index === 0 && indent !== undefined) parent.removeChild(indent);
    parent.removeChild(prototype);
    this.#retire(prototype, (innerId) =>
      innerId === id
        ? `id ${JSON.stringify(id)} was already repeated`
        : `id ${JSON.stringify(innerId)} is inside repeated id ${JSON.stringify(id)}; fill it in the repeat callback`,
    );
    return this;
  }

  #element(id: string): Element {
    const element = this.#elements.get(id);
    if (element !== undefined) return element;
    const gone = this.#gone.get(id);
    if (gone !== undefined) throw new TemplateError(this.#template, gone);
    const known = [...this.#elements.keys()];
    const list = known.length === 0 ? 'none' : known.slice(0, 20).map((k) => JSON.stringify(k)).join(', ') + (known.length > 20 ? ', …' : '');
    throw new TemplateError(this.#template, `unknown id ${JSON.stringify(id)} (ids available here: ${list})`);
  }

  /** Makes every id at or inside `root` unavailable, explaining why. */
  #retire(root: Element, reason: (id: string) => string): void {
    for (const [id, element] of this.#elements) {
      if (isWithin(element, root)) {
        this.#elements.delete(id);
        this.#gone.set(id, reason(id));
      }
    }
  }
}

function isWithin(node: Node, ancestor: Node): boolean {
  for (let current: Node | null = node; current !== null; current = current.parentNode) if (current === ancestor) return true;
  return false;
}

function leadingWhitespace(element: Element): Node | undefined {
  const previous = element.previousSibling;
  if (previous === null || previous.nodeType !== TEXT_NODE) return undefined;
  return (previous.nodeValue ?? '').trim() === '' ? previous : undefined;
}

/** Walks two identical trees together, calling `visit` for each pair of elements. */
function matchElements(original: Element, copy: Element, visit: (original: Element, copy: Element) => void): void {
  visit(original, copy);
  const originals = original.childNodes;
  const copies = copy.childNodes;
  for (let i = 0; i < originals.length; i++) {
    const child = originals[i]!;
    if (child.nodeType === ELEMENT_NODE) matchElements(child as Element, copies[i] as Element, visit);
  }
}
