/**
 * Publishing an OpenAPI document, and a reference page that renders it, in
 * front of an app.
 *
 * @module
 */
import { toApp, wrapApp } from '../../gateway/app.js';
import type { App, AppLike, Body, Environ, ResponseHeaders, StartResponse } from '../../gateway/types.js';
import { quotePath } from '../../gateway/uri.js';
import { contentEtag, PublishedDocument, type OpenApiDocumentSource, type SerialisedDocument } from './document.js';
import { locateUiPackage, referencePage, START_SCRIPT, startScript, UiAssets } from './reference-ui.js';
import { CACHE_FOR_GOOD, REVALIDATE, sendPlain, sendRepresentation } from './respond.js';

/**
 * Options for {@link openapiDocs}.
 *
 * @example
 * ```ts
 * const options: OpenApiDocsOptions = { document: () => buildDocument(), path: '/api/openapi.json', reference: '/api/docs' };
 * ```
 *
 * @category Middleware
 */
export interface OpenApiDocsOptions {
  /** The document, or a function that builds it at the first request (once, unless it fails). */
  document: OpenApiDocumentSource;
  /** Where the document is served, below the mount point. Default `/openapi.json`. */
  path?: string;
  /** Where the reference page is served, below the mount point, or `false` for none. Default `/docs`. */
  reference?: string | false;
  /** The reference page's `<title>`. Default: the document's `info.title`. */
  title?: string;
  /**
   * Where `swagger-ui-dist` is looked up from, as Node resolves an import
   * made there: a directory or a module's `file:` URL. Default: this
   * package's own location, which finds it wherever tsgi itself is found.
   */
  resolveFrom?: string | URL;
}

const ALLOW: ResponseHeaders = [['Allow', 'GET, HEAD']];

type Route =
  | { kind: 'document' | 'page' | 'start-script' }
  | { kind: 'package-file'; name: string; assets: UiAssets };

function checkedPath(value: string, option: string): string {
  if (!value.startsWith('/') || value.startsWith('//') || /[?#\\]/.test(value)) {
    throw new TypeError(`openapiDocs: ${option} ${JSON.stringify(value)} must be a path below the mount point, starting with a single "/" and without "?", "#" or "\\"`);
  }
  return value;
}

/**
 * The mount point as a URL path: `SCRIPT_NAME` quoted, with leading slashes
 * collapsed so that a page link can never become `//host/…`.
 */
function mountPoint(environ: Environ): string {
  return quotePath(environ.SCRIPT_NAME).replace(/^\/+/, '/');
}

/**
 * Serves an OpenAPI document, and a Swagger UI reference page rendering it,
 * in front of `app`; every other request goes to `app`.
 *
 * - **The document** answers GET and HEAD at `path` (default
 *   `/openapi.json`) as `application/json`: the type every client, browser
 *   and tool reads as JSON, where `application/vnd.oai.openapi+json` would
 *   make browsers download it and generic clients refuse to parse it. It
 *   carries a strong `ETag` over its bytes and `Cache-Control: no-cache`,
 *   so a changed document is seen at once and an unchanged one costs a 304.
 *   An object document is checked (an `openapi: '3.x'` field and
 *   `info.title`) and serialised here, so a bad one fails at startup; a
 *   function is called at the first request, and its failure is a 500 with
 *   the reason in `tsgi.errors`, tried again at the next request.
 * - **The reference page** (default `/docs`; `reference: false` turns it
 *   off) loads Swagger UI from the installed `swagger-ui-dist` package,
 *   which this layer serves itself below the page's path, under a directory
 *   naming the package version (cached for good). Nothing comes from a CDN
 *   and the page has no inline script, so it works offline and under
 *   `script-src 'self'`; Swagger UI's online validator is off.
 * - **Mounting.** Links are built from `SCRIPT_NAME`, so under a prefix
 *   (`urlMap`, a proxy's `SCRIPT_NAME`) the page finds its files and the
 *   document.
 * - Other methods at these paths get `405` with `Allow: GET, HEAD`.
 *
 * @throws Error naming `npm install swagger-ui-dist` when the reference page
 *   is on and that package cannot be found; TypeError for a path that does
 *   not start with `/`, the two paths being equal, or an object document
 *   that is not OpenAPI 3.x JSON.
 * @example
 * ```ts
 * const document = { openapi: '3.1.0', info: { title: 'Blog', version: '1.0.0' }, paths: {} };
 * const site = openapiDocs(BlogHandler, { document });
 * makeServer('127.0.0.1', 8080, site).serveForever();
 * // GET /openapi.json → the document; GET /docs → the reference page.
 * ```
 *
 * @category Middleware
 */
export function openapiDocs(app: AppLike, options: OpenApiDocsOptions): App {
  const inner = toApp(app);
  const documentPath = checkedPath(options.path ?? '/openapi.json', 'path');
  const referenceOption = options.reference ?? '/docs';
  // '/docs/' and '/docs' name the same page; '/' puts it at the mount point.
  const page = referenceOption === false ? undefined : checkedPath(referenceOption, 'reference').replace(/\/+$/, '');
  if (page !== undefined && (page === documentPath || (page === '' && documentPath === '/'))) {
    throw new TypeError(`openapiDocs: path and reference are both ${JSON.stringify(documentPath)}; give the page a path of its own`);
  }
  const published = new PublishedDocument(options.document);
  const assets = page === undefined ? undefined : new UiAssets(locateUiPackage(options.resolveFrom ?? import.meta.url));
  const packagePrefix = assets === undefined ? '' : `${page}/${assets.directory}/`;

  async function withDocument(environ: Environ, startResponse: StartResponse, send: (document: SerialisedDocument) => Body): Promise<Body> {
    let document: SerialisedDocument;
    try {
      document = await published.get();
    } catch (error) {
      environ['tsgi.errors'].write(`openapiDocs: the OpenAPI document could not be built: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      return sendPlain(environ, startResponse, '500 Internal Server Error', 'Internal Server Error: the OpenAPI document could not be built.\n');
    }
    return send(document);
  }

  function sendPage(environ: Environ, startResponse: StartResponse, title: string): Body {
    const mount = mountPoint(environ);
    const html = Buffer.from(
      referencePage({
        title,
        documentUrl: `${mount}${quotePath(documentPath)}`,
        packageBase: `${mount}${quotePath(packagePrefix)}`,
        startScriptUrl: `${mount}${quotePath(`${page}/${START_SCRIPT}`)}`,
      }),
      'utf8',
    );
    return sendRepresentation(environ, startResponse, { bytes: html, type: 'text/html; charset=utf-8', etag: contentEtag(html), cacheControl: REVALIDATE });
  }

  /** What `path` names among this layer's paths; undefined for the app's paths. */
  function route(path: string): Route | undefined {
    if (path === documentPath) return { kind: 'document' };
    if (page === undefined || assets === undefined) return undefined;
    if (path === page || path === `${page}/`) return { kind: 'page' };
    if (path === `${page}/${START_SCRIPT}`) return { kind: 'start-script' };
    const name = path.startsWith(packagePrefix) ? path.slice(packagePrefix.length) : undefined;
    if (name !== undefined && assets.has(name)) return { kind: 'package-file', name, assets };
    return undefined;
  }

  function answer(environ: Environ, startResponse: StartResponse, target: Route): Body | Promise<Body> {
    switch (target.kind) {
      case 'document':
        return withDocument(environ, startResponse, (document) =>
          sendRepresentation(environ, startResponse, { bytes: document.json, type: 'application/json', etag: document.etag, cacheControl: REVALIDATE }),
        );
      case 'page': {
        const title = options.title;
        if (title !== undefined) return sendPage(environ, startResponse, title);
        return withDocument(environ, startResponse, (document) => sendPage(environ, startResponse, document.title));
      }
      case 'start-script':
        return sendRepresentation(environ, startResponse, { ...startScript, cacheControl: REVALIDATE });
      case 'package-file':
        return target.assets.get(target.name).then(
          (asset) => sendRepresentation(environ, startResponse, { ...asset, cacheControl: CACHE_FOR_GOOD }),
          (error: unknown) => {
            environ['tsgi.errors'].write(`openapiDocs: the Swagger UI file ${target.name} could not be read: ${String(error)}\n`);
            return sendPlain(environ, startResponse, '500 Internal Server Error', 'Internal Server Error: a file of the reference page could not be read.\n');
          },
        );
    }
  }

  return wrapApp(app, function withOpenapiDocs(environ: Environ, startResponse: StartResponse) {
    const target = route(environ.PATH_INFO);
    if (target === undefined) return inner(environ, startResponse);
    const method = environ.REQUEST_METHOD;
    if (method !== 'GET' && method !== 'HEAD') {
      return sendPlain(environ, startResponse, '405 Method Not Allowed', `Method Not Allowed: ${method} (allowed: GET, HEAD)\n`, ALLOW);
    }
    return answer(environ, startResponse, target);
  });
}
