/**
 * Shared helpers for the blog tests: temp blog directories and a strict
 * XML parser for checking output.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';

export const ATOM = 'http://www.w3.org/2005/Atom';
export const XHTML = 'http://www.w3.org/1999/xhtml';

/** A fresh temp directory, and a function that removes it. */
export function tempDir(label: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `tsgi-blog-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Parses XML, failing on any error or warning (U+FFFD aside). */
export function parseStrict(xml: string): Document {
  return new DOMParser({
    onError: (level, message) => {
      if (level === 'warning' && message.startsWith('Unicode replacement character')) return;
      throw new Error(`${level}: ${message}\n${xml.slice(0, 500)}`);
    },
  }).parseFromString(xml, 'application/xml');
}

/** Child elements of `parent` in namespace `ns` named `local`. */
export function children(parent: Element, ns: string | null, local: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).localName === local && (node as Element).namespaceURI === ns) found.push(node as Element);
  }
  return found;
}

/**
 * Checks the elements RFC 4287 requires of an atom:feed (§4.1.1) or an
 * atom:entry (§4.1.2), and that every link is absolute. Returns the problems.
 */
export function atomProblems(doc: Document): string[] {
  const problems: string[] = [];
  const root = doc.documentElement!;
  const exactlyOne = (parent: Element, local: string, where: string): Element | undefined => {
    const found = children(parent, ATOM, local);
    if (found.length !== 1) problems.push(`${where} has ${found.length} atom:${local}, needs exactly one`);
    return found[0];
  };
  const checkDate = (el: Element | undefined, where: string) => {
    const text = el?.textContent ?? '';
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(text)) problems.push(`${where} updated is not RFC 3339: ${text}`);
  };
  const checkId = (el: Element | undefined, where: string) => {
    const text = el?.textContent ?? '';
    if (!/^(urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|tag:.+)$/.test(text)) problems.push(`${where} id is not a urn:uuid or tag URI: ${text}`);
  };
  const checkLinks = (parent: Element, where: string) => {
    for (const link of children(parent, ATOM, 'link')) {
      const href = link.getAttribute('href') ?? '';
      if (!/^https?:\/\/[^/]+\//.test(href)) problems.push(`${where} link ${link.getAttribute('rel')} is not absolute: ${href}`);
    }
  };
  const checkEntry = (entry: Element, where: string, needsAuthor: boolean) => {
    checkId(exactlyOne(entry, 'id', where), where);
    exactlyOne(entry, 'title', where);
    checkDate(exactlyOne(entry, 'updated', where), where);
    const content = exactlyOne(entry, 'content', where);
    if (content !== undefined && content.getAttribute('type') !== 'text') problems.push(`${where} content type is not text`);
    const alternates = children(entry, ATOM, 'link').filter((l) => (l.getAttribute('rel') ?? 'alternate') === 'alternate');
    if (alternates.length !== 1) problems.push(`${where} has ${alternates.length} alternate links`);
    if (needsAuthor && children(entry, ATOM, 'author').length === 0) problems.push(`${where} has no author`);
    checkLinks(entry, where);
    for (const el of children(entry, null, 'id')) problems.push(`${where} has a non-Atom id element ${el}`);
    if (entry.hasAttribute('id')) problems.push(`${where} carries an id attribute`);
  };
  if (root.namespaceURI !== ATOM) problems.push(`root is not in the Atom namespace: ${root.namespaceURI}`);
  if (root.localName === 'feed') {
    checkId(exactlyOne(root, 'id', 'feed'), 'feed');
    exactlyOne(root, 'title', 'feed');
    checkDate(exactlyOne(root, 'updated', 'feed'), 'feed');
    const author = children(root, ATOM, 'author');
    if (author.length === 0 || children(author[0]!, ATOM, 'name').length !== 1) problems.push('feed has no author with a name');
    const rels = children(root, ATOM, 'link').map((l) => l.getAttribute('rel'));
    if (!rels.includes('self')) problems.push('feed has no self link');
    if (!rels.includes('alternate')) problems.push('feed has no alternate link');
    checkLinks(root, 'feed');
    children(root, ATOM, 'entry').forEach((entry, i) => checkEntry(entry, `entry ${i}`, false));
  } else if (root.localName === 'entry') {
    checkEntry(root, 'entry', true);
  } else {
    problems.push(`root is atom:${root.localName}`);
  }
  return problems;
}
