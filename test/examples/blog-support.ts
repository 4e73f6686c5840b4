/**
 * Shared helpers for the blog tests: temp blog directories and a strict
 * XML parser for checking output.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
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

/** A running `node dist/examples/blog/main.js`. */
export interface BlogProcess {
  url: string;
  port: number;
  stop: () => Promise<number | null>;
}

/** Starts the built example as `npm run example:blog` does, on an ephemeral port, with BLOG_DIR=`dir`. */
export async function startBlogProcess(dir: string): Promise<BlogProcess> {
  const child = spawn(process.execPath, ['dist/examples/blog/main.js'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', BLOG_DIR: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  let url = '';
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /(http:\/\/\S+)/.exec(line);
    if (match) {
      url = match[1]!.replace(/\/$/, '');
      break;
    }
  }
  if (url === '') {
    child.kill('SIGKILL');
    throw new Error('the blog example did not start');
  }
  return {
    url,
    port: Number(new URL(url).port),
    stop: async () => {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const [code] = (await exited) as [number | null];
      clearTimeout(timer);
      return code;
    },
  };
}

/** Sends raw bytes over a fresh socket and returns the status code and body of the answer. */
export async function rawHttp(port: number, request: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (match === null) reject(new Error(`no HTTP response: ${JSON.stringify(text.slice(0, 100))}`));
      else resolve({ status: Number(match[1]), text });
    });
    socket.write(request);
  });
}

/** Runs curl; resolves with its output and exit code. */
export async function runCurl(args: string[], stdin?: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['--max-time', '15', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
    child.stdin.end(stdin ?? '');
  });
}

/** The status code curl -v reports in its stderr. */
export function curlStatus(stderr: string): number {
  // Not anchored: curl's progress meter may share the line.
  const match = /< HTTP\/[\d.]+ (\d{3})/.exec(stderr);
  return match === null ? 0 : Number(match[1]);
}

/** A response header curl -v reports in its stderr. */
export function curlHeader(stderr: string, name: string): string | undefined {
  const match = new RegExp(`< ${name}: (.*?)\\r?$`, 'im').exec(stderr);
  return match?.[1];
}
