/**
 * {@link Template}: an XML document whose elements are filled by their `id`.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Document, Element, Node } from '@xmldom/xmldom';
import { copyDocument } from './clone.js';
import { TemplateError } from './errors.js';
import { parseXml, serializeXml } from './parse.js';
import { TemplateView } from './view.js';

/**
 * Options for loading a {@link Template}.
 *
 * @example
 * ```ts
 * const feed = Template.fromString(atomSource, { name: 'feed.atom', stripIds: true });
 * ```
 *
 * @category Templates
 */
export interface TemplateOptions {
  /** The name used in error messages. Default: the file's base name, or `'template'`. */
  name?: string;
  /**
   * Remove the `id` attributes from the output (default `false`). Ids are
   * markers for code; formats whose schema has no `id` attribute, such as
   * Atom, must not carry them.
   */
  stripIds?: boolean;
}

const ELEMENT_NODE = 1;

/**
 * A parsed XML template. Every element with an `id` attribute is a slot that
 * code fills by that id through a {@link TemplateView}: set its text (always
 * escaped, since it becomes a text node, never markup), set or remove an
 * attribute, repeat it once per item, or remove it. Ids must be unique.
 *
 * The source is parsed once, when the template is created; every
 * {@link Template.render} works on a fresh deep copy, so renders never see
 * each other's changes and a template can be shared by concurrent requests.
 * The XML declaration, doctype and comments are kept as written.
 *
 * @example
 * ```ts
 * const page = Template.fromString(
 *   '<ul xmlns="http://www.w3.org/1999/xhtml"><li id="item"><a id="link">x</a></li></ul>',
 * );
 * page.render((view) => {
 *   view.repeat('item', ['a & b', 'c'], (item, label) => {
 *     item.text('link', label).attr('link', 'href', `/${encodeURIComponent(label)}`);
 *   });
 * });
 * // <ul xmlns="http://www.w3.org/1999/xhtml"><li><a href="/a%20%26%20b">a &amp; b</a></li><li><a href="/c">c</a></li></ul>
 * ```
 *
 * @category Templates
 */
export class Template {
  /** The name used in error messages. */
  readonly name: string;
  readonly #doc: Document;
  // Each id's element as a list of child indexes from the document, so a
  // copy's elements are found without searching it.
  readonly #paths: ReadonlyMap<string, readonly number[]>;
  readonly #keepIds: boolean;

  private constructor(doc: Document, name: string, stripIds: boolean) {
    this.name = name;
    this.#doc = doc;
    this.#keepIds = !stripIds;
    this.#paths = indexIds(doc, name);
    if (stripIds) for (const path of this.#paths.values()) (resolve(doc, path) as Element).removeAttribute('id');
  }

  /**
   * Parses a template from XML source.
   *
   * @throws {@link TemplateError} for XML that is not well-formed or a duplicate id.
   * @example
   * ```ts
   * const greeting = Template.fromString('<p>Hello, <b id="who">you</b>!</p>', { name: 'greeting' });
   * greeting.render((view) => view.text('who', '<world>')); // '<p>Hello, <b id="who">&lt;world&gt;</b>!</p>'
   * ```
   */
  static fromString(source: string, options: TemplateOptions = {}): Template {
    const name = options.name ?? 'template';
    return new Template(parseXml(source, name), name, options.stripIds ?? false);
  }

  /**
   * Reads and parses a template file (UTF-8). A `file:` URL works too, so a
   * module can load templates next to its source with
   * `new URL('./page.xhtml', import.meta.url)`.
   *
   * @throws {@link TemplateError} for a file that cannot be read, malformed XML or a duplicate id.
   * @example
   * ```ts
   * const single = Template.fromFile(new URL('./templates/entry.xhtml', import.meta.url));
   * ```
   */
  static fromFile(path: string | URL, options: TemplateOptions = {}): Template {
    const filePath = typeof path === 'string' ? path : fileURLToPath(path);
    const name = options.name ?? basename(filePath);
    let source: string;
    try {
      source = readFileSync(filePath, 'utf8');
    } catch (error) {
      throw new TemplateError(name, `cannot read ${filePath}: ${(error as Error).message}`, { cause: error });
    }
    return Template.fromString(source, { ...options, name });
  }

  /**
   * The ids code can fill, in document order.
   *
   * @example
   * ```ts
   * Template.fromString('<p><b id="a"/><i id="b"/></p>').ids; // ['a', 'b']
   * ```
   */
  get ids(): readonly string[] {
    return [...this.#paths.keys()];
  }

  /**
   * Renders a copy of the template, letting `fill` change it through a
   * {@link TemplateView} first. Without `fill`, renders the template as is.
   *
   * @throws {@link TemplateError} when `fill` names an id the template lacks,
   *   or one that was removed or repeated; whatever `fill` throws.
   * @example
   * ```ts
   * const xml = template.render((view) => view.text('title', entry.title).remove('draft-note'));
   * ```
   */
  render(fill?: (view: TemplateView) => void): string {
    const copy = copyDocument(this.#doc);
    if (fill !== undefined) {
      const elements = new Map<string, Element>();
      for (const [id, path] of this.#paths) elements.set(id, resolve(copy, path) as Element);
      fill(new TemplateView(this.name, elements, this.#keepIds ? 'id' : undefined));
    }
    return serializeXml(copy);
  }
}

function indexIds(doc: Document, name: string): Map<string, number[]> {
  const paths = new Map<string, number[]>();
  const visit = (node: Node, path: number[]): void => {
    const children = node.childNodes;
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      if (child.nodeType !== ELEMENT_NODE) continue;
      const element = child as Element;
      const childPath = [...path, i];
      const id = element.getAttribute('id');
      if (id !== null) {
        if (paths.has(id)) throw new TemplateError(name, `duplicate id ${JSON.stringify(id)}`);
        paths.set(id, childPath);
      }
      visit(element, childPath);
    }
  };
  visit(doc, []);
  return paths;
}

function resolve(root: Node, path: readonly number[]): Node {
  let node = root;
  for (const index of path) node = node.childNodes[index]!;
  return node;
}
