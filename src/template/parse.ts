/**
 * Strict XML parsing and serialization for templates, on @xmldom/xmldom.
 *
 * @module
 */
import { DOMParser, XMLSerializer, type Document } from '@xmldom/xmldom';
import { TemplateError } from './errors.js';

const REPLACEMENT_HINT = 'Unicode replacement character';

/**
 * Parses `source` as XML, refusing anything a conforming XML parser would
 * refuse. Warnings count too: xmldom reports some well-formedness problems
 * (an unquoted attribute value) below the fatal level, and a template that
 * only half-parses would render something nobody wrote. The one exception is
 * its hint that U+FFFD may come from a decoding problem: it is a legal
 * character, and text filled in by code may hold it.
 *
 * @throws {@link TemplateError} naming the template and the parser's message.
 * @example
 * ```ts
 * const doc = parseXml('<p id="greeting">hi</p>', 'greeting.xml');
 * ```
 */
export function parseXml(source: string, name: string): Document {
  let problem: string | undefined;
  const parser = new DOMParser({
    onError: (level, message) => {
      if (level === 'warning' && message.startsWith(REPLACEMENT_HINT)) return;
      problem ??= `${level}: ${message}`;
      throw new Error(message);
    },
  });
  try {
    const doc = parser.parseFromString(source, 'application/xml');
    if (doc.documentElement === null) throw new Error('no root element');
    return doc;
  } catch (error) {
    const detail = problem ?? (error instanceof Error ? error.message : String(error));
    throw new TemplateError(name, `not well-formed XML (${detail})`, { cause: error });
  }
}

const serializer = new XMLSerializer();

/**
 * Serializes a document, keeping its XML declaration, doctype and comments.
 *
 * @example
 * ```ts
 * serializeXml(parseXml('<a>x &amp; y</a>', 'a.xml')); // '<a>x &amp; y</a>'
 * ```
 */
export function serializeXml(doc: Document): string {
  return serializer.serializeToString(doc);
}
