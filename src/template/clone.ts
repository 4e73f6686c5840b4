/**
 * Copying a document tree quickly.
 *
 * @module
 */
import type { Attr, Document, Element, Node } from '@xmldom/xmldom';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const COMMENT_NODE = 8;

/**
 * A deep copy of `node` owned by `doc`. xmldom's own `cloneNode` copies every
 * enumerable property of every node, prototype chain included, which made
 * it the bulk of a render's time; elements, text and comments (nearly every
 * node of a template) are rebuilt here through the document's factory
 * methods instead, and the rare others are left to `importNode`.
 *
 * @example
 * ```ts
 * const copy = copyTree(item, item.ownerDocument!) as Element;
 * ```
 */
export function copyTree(node: Node, doc: Document): Node {
  switch (node.nodeType) {
    case ELEMENT_NODE: {
      const element = node as Element;
      const copy = doc.createElementNS(element.namespaceURI, element.tagName);
      const attributes = element.attributes;
      for (let i = 0; i < attributes.length; i++) {
        const attribute = attributes.item(i) as Attr;
        copy.setAttributeNS(attribute.namespaceURI, attribute.name, attribute.value);
      }
      for (let child = element.firstChild; child !== null; child = child.nextSibling) copy.appendChild(copyTree(child, doc));
      return copy;
    }
    case TEXT_NODE:
      return doc.createTextNode(node.nodeValue ?? '');
    case COMMENT_NODE:
      return doc.createComment(node.nodeValue ?? '');
    default:
      // CDATA sections, processing instructions, the doctype: rare enough
      // for xmldom's own copy, made through the target document so that it
      // owns the result.
      return doc.importNode(node, true);
  }
}

/**
 * A deep copy of a whole document, with its declaration, doctype, comments
 * and whitespace between them.
 *
 * @example
 * ```ts
 * const fresh = copyDocument(parsed);
 * ```
 */
export function copyDocument(doc: Document): Document {
  const copy = doc.cloneNode(false) as Document;
  for (let child = doc.firstChild; child !== null; child = child.nextSibling) copy.appendChild(copyTree(child, copy));
  return copy;
}
