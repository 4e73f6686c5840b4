/**
 * The article's REST blog as a BaseHandler: GET / lists the entries, GET,
 * PUT and DELETE /<name> read, write and remove one. Output is xhtml, plain
 * XML or Atom (?type= or Accept); entries and lists carry ETag and
 * Last-Modified, and honour the conditional headers.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BaseHandler } from '../../src/handler/index.js';
import { hasNonXmlChar } from '../../src/template/index.js';
import { HttpError, type App, type Environ, type ResponseHeaders } from '../../src/gateway/index.js';
import { readBody } from '../../src/body/index.js';
import { staticFiles } from '../../src/middleware/static-files/index.js';
import { urlMap } from '../../src/middleware/url-map/index.js';
import { evaluatePreconditions, formatEtag, httpDate, type CurrentState, type EntityTag } from './conditional.js';
import { chooseFormat, type BlogFormat } from './formats.js';
import { FileEntryStore } from './file-store.js';
import { blogBase, entryUrl, STATIC_PREFIX } from './links.js';
import { entryNameFromPath } from './names.js';
import { parsePaging } from './paging.js';
import { renderEntry, renderList, type PageContext } from './render.js';
import { EntryBusyError, type Entry, type EntryStore } from './store.js';

/** How a blog is set up. */
export interface BlogOptions {
  store: EntryStore;
  /** The blog's title (default "tsgi blog"). */
  title?: string;
  /** The feed's author (default "tsgi blog"). */
  author?: string;
  /** The largest entry, in bytes (default 1 MiB); larger PUTs get 413. */
  maxEntryBytes?: number;
}

/** The handler class of a blog: the app to serve or mount. */
export type BlogHandlerClass = typeof BaseHandler & { readonly blog: Required<BlogOptions> };

/** Makes the handler class of a blog backed by `options.store`. */
export function blogHandler(options: BlogOptions): BlogHandlerClass {
  const blog: Required<BlogOptions> = { title: 'tsgi blog', author: 'tsgi blog', maxEntryBytes: 1024 * 1024, ...options };
  return class Blog extends BlogHandler {
    static override readonly blog = blog;
  };
}

/** The blog's requests; subclasses made by {@link blogHandler} supply the store. */
abstract class BlogHandler extends BaseHandler {
  static readonly blog: Required<BlogOptions>;

  get #blog(): Required<BlogOptions> {
    return (this.constructor as BlogHandlerClass).blog;
  }

  /** GET /: the newest entries, a page at a time. */
  async doGETALL(): Promise<string> {
    const chosen = chooseFormat(this.environ, this.query);
    const { offset, limit } = parsePaging(this.query);
    const context = await this.#context();
    const page = await this.#blog.store.list(offset, limit);
    const etag: EntityTag = { weak: true, opaque: `${page.version}.${chosen.format}` };
    const current: CurrentState = {
      lastModified: page.lastModified,
      // A list's tag is weak, so it matches only by weak comparison.
      matches: (tag, strong) => !strong && tag.opaque === etag.opaque,
    };
    const headers = validatorHeaders(etag, page.lastModified);
    if (evaluatePreconditions(this.environ, current) === 'not-modified') return this.#notModified(headers);
    const body = renderList(chosen.format, await page.load(), { total: page.total, offset, limit, lastModified: page.lastModified }, context);
    this.start('200 OK', [['Content-Type', chosen.contentType], ...headers]);
    return body;
  }

  /** GET /<name>: one entry; also the answer to a PUT. */
  async doGET(): Promise<string> {
    const name = entryNameFromPath(this.pathInfo);
    const chosen = chooseFormat(this.environ, this.query);
    const context = await this.#context();
    const entry = await this.#blog.store.get(name);
    if (entry === undefined) throw new HttpError(404, `${name} not found`);
    const etag = entryEtag(entry, chosen.format);
    const headers = validatorHeaders(etag, entry.updated);
    // A PUT answers through here, and its conditions were about the write.
    const safe = this.environ.REQUEST_METHOD === 'GET' || this.environ.REQUEST_METHOD === 'HEAD';
    if (safe && evaluatePreconditions(this.environ, entryState(entry, chosen.format)) === 'not-modified') return this.#notModified(headers);
    if (this.statusOverride?.startsWith('201') === true) headers.push(['Location', entryUrl(context.base, name, 'xhtml')]);
    this.start('200 OK', [['Content-Type', chosen.contentType], ...headers]);
    return renderEntry(chosen.format, entry, context);
  }

  /** PUT /<name>: stores the body as the entry's text; 201 when new, 200 when replaced. */
  async doPUT(): Promise<string> {
    const name = entryNameFromPath(this.pathInfo);
    chooseFormat(this.environ, this.query); // refuse a bad ?type= before writing anything
    if (!mayHaveBody(this.environ)) throw new HttpError(411, 'Missing content');
    const bytes = await readBody(this.environ, { limit: this.#blog.maxEntryBytes });
    if (bytes.length === 0) throw new HttpError(411, 'Missing content');
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new HttpError(400, 'Entry text must be UTF-8');
    }
    if (hasNonXmlChar(text)) throw new HttpError(400, 'Entry text contains control characters; only tab, line feed and carriage return are allowed');
    const { created } = await busyAsUnavailable(this.#blog.store.put(name, bytes, (current) => this.#checkWrite(current)));
    if (created) this.statusOverride = '201 Created';
    return this.doGET();
  }

  /** DELETE /<name>: 204, or 404 when there is no such entry. */
  async doDELETE(): Promise<string> {
    const name = entryNameFromPath(this.pathInfo);
    const deleted = await busyAsUnavailable(this.#blog.store.delete(name, (current) => this.#checkWrite(current)));
    if (!deleted) throw new HttpError(404, `${name} not found`);
    this.start('204 No Content', []);
    return '';
  }

  #checkWrite(current: Entry | undefined): void {
    if (evaluatePreconditions(this.environ, current === undefined ? undefined : entryState(current)) !== 'failed') return;
    const now = current === undefined ? 'the entry does not exist' : `the entry's current ETag is ${formatEtag(entryEtag(current, 'xhtml'))}`;
    throw new HttpError(412, `Precondition failed: ${now}; fetch it again before changing it`);
  }

  #notModified(headers: ResponseHeaders): string {
    this.start('304 Not Modified', headers);
    return '';
  }

  async #context(): Promise<PageContext> {
    const { store, title, author } = this.#blog;
    return { base: blogBase(this.environ), blogId: await store.blogId(), title, author };
  }
}

// An entry's ETag names the version and the output type, since the xhtml
// and Atom forms of one version are different bytes. Preconditions on
// writes compare only the version, so a tag from any form will do.
function entryEtag(entry: Entry, format: BlogFormat): EntityTag {
  return { weak: false, opaque: `${entry.version}.${format}` };
}

// Reading, a tag matches only the same version in the same output type, so
// a cache holding the XML form is never told its copy will do for xhtml.
// Writing, any output type of the current version matches.
function entryState(entry: Entry, format?: BlogFormat): CurrentState {
  return {
    lastModified: entry.updated,
    matches: (tag, strong) => {
      if (strong && tag.weak) return false;
      if (format !== undefined) return tag.opaque === entryEtag(entry, format).opaque;
      return tag.opaque.slice(0, tag.opaque.lastIndexOf('.')) === entry.version;
    },
  };
}

/** Seconds a client is asked to wait after a 503 for a busy entry: writes hold its lock for milliseconds. */
const BUSY_RETRY_AFTER = '1';

// An entry whose lock stays taken past the store's timeout: nothing was
// written, so the client may simply send the same request again.
async function busyAsUnavailable<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (!(error instanceof EntryBusyError)) throw error;
    throw new HttpError(503, `${error.entry} is being changed by other requests; nothing was written, try again shortly`, {
      headers: [['Retry-After', BUSY_RETRY_AFTER]],
      cause: error,
    });
  }
}

function validatorHeaders(etag: EntityTag, lastModified: Date): ResponseHeaders {
  return [
    ['ETag', formatEtag(etag)],
    ['Last-Modified', httpDate(lastModified)],
    ['Vary', 'Accept'],
    // Readers may keep a copy but must ask (cheaply, with the validators)
    // before using it, since any PUT can change it.
    ['Cache-Control', 'no-cache'],
  ];
}

function mayHaveBody(environ: Environ): boolean {
  const length = environ.CONTENT_LENGTH;
  if (length !== undefined && length !== '') return length !== '0';
  return environ.HTTP_TRANSFER_ENCODING !== undefined;
}

/** The blog's handler with the entries in `BLOG_DIR` (default `./data/blog`). */
export const Blog: BlogHandlerClass = blogHandler({
  store: new FileEntryStore(process.env.BLOG_DIR ?? './data/blog'),
  title: process.env.BLOG_TITLE ?? 'tsgi blog',
  author: process.env.BLOG_AUTHOR ?? 'tsgi blog',
});

// The stylesheet lives beside the sources; from dist/examples/blog the same
// relative path leads back to them, as the templates do.
const STATIC_DIR = fileURLToPath(new URL('../../../examples/blog/static/', import.meta.url));
const SOURCE_STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

/**
 * A blog handler with its stylesheet served by `staticFiles` under
 * `/_static/`; entry names cannot start with `_`, so no entry is hidden.
 */
export function blogApp(handler: BlogHandlerClass): App {
  const dir = existsSync(SOURCE_STATIC_DIR) ? SOURCE_STATIC_DIR : STATIC_DIR;
  return urlMap({ [`/${STATIC_PREFIX}`]: staticFiles(dir, { maxAge: 3600 }), '/': handler });
}

/** The blog served by `npm run example:blog` and mounted at /blog by `npm start`. */
export const blogSite: App = blogApp(Blog);
