/**
 * The reference page: Swagger UI (the `swagger-ui-dist` package, an optional
 * peer dependency) served from the installed package, same-origin, with the
 * page and its start-up script written here.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { escapeHtml } from '../../gateway/error-page.js';
import { contentEtag } from './document.js';

/** The package the page is built from, named in the message when it is missing. */
export const UI_PACKAGE = 'swagger-ui-dist';

/** A file the page loads: its bytes, type and validator. */
export interface Asset {
  readonly bytes: Buffer;
  readonly type: string;
  readonly etag: string;
}

// Only these files are served from the package, so no other file in
// node_modules is reachable through the reference path.
const PACKAGE_FILES: Record<string, string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-bundle.js.map': 'application/json',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui.css.map': 'application/json',
  'favicon-32x32.png': 'image/png',
};

/**
 * The start-up script's file name. It is tsgi's, not the package's, so it
 * sits outside the package's versioned directory and is revalidated rather
 * than cached for good.
 */
export const START_SCRIPT = 'tsgi-start.js';

// A file of its own rather than an inline <script>, so the page works under
// `script-src 'self'`. It reads the document's URL from the page, so one
// script serves every mount point. validatorUrl: null keeps Swagger UI from
// sending the document to validator.swagger.io.
const START_SOURCE = `'use strict';
window.addEventListener('DOMContentLoaded', function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: root.dataset.document,
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

/** Where a `swagger-ui-dist` was found. */
export interface UiPackage {
  readonly dir: string;
  readonly version: string;
}

/**
 * Finds `swagger-ui-dist` the way Node resolves a package imported from
 * `from` (a directory, or a module's file URL).
 *
 * @throws Error naming `npm install swagger-ui-dist` when it is not installed there.
 */
export function locateUiPackage(from: string | URL): UiPackage {
  const anchor = typeof from === 'string' && !from.startsWith('file:') ? pathToFileURL(join(resolve(from), 'noop.js')) : from;
  let manifestPath: string;
  try {
    manifestPath = createRequire(anchor).resolve(`${UI_PACKAGE}/package.json`);
  } catch {
    throw new Error(
      `openapiDocs: the reference page is built from the ${UI_PACKAGE} package, which is not installed: run \`npm install ${UI_PACKAGE}\`, or pass reference: false to serve the document alone`,
    );
  }
  const dir = dirname(manifestPath);
  const version = (createRequire(anchor)(manifestPath) as { version?: unknown }).version;
  return { dir, version: typeof version === 'string' ? version : '0' };
}

/** The start-up script, the same for every page. */
export const startScript: Asset = (() => {
  const bytes = Buffer.from(START_SOURCE, 'utf8');
  return { bytes, type: 'text/javascript; charset=utf-8', etag: contentEtag(bytes) };
})();

/** The package's files the page loads, each read at its first request and then kept in memory. */
export class UiAssets {
  private readonly loaded = new Map<string, Promise<Asset>>();

  constructor(private readonly ui: UiPackage) {}

  /**
   * The URL segment the package's files are under. It names the version, so
   * they can be cached for good: an upgrade changes their URLs.
   */
  get directory(): string {
    return `${UI_PACKAGE}@${this.ui.version}`;
  }

  /** Whether `name` is one of the package's files the page uses. */
  has(name: string): boolean {
    return Object.hasOwn(PACKAGE_FILES, name);
  }

  /** The file `name` (one that {@link has} accepts). */
  get(name: string): Promise<Asset> {
    let asset = this.loaded.get(name);
    if (asset === undefined) {
      asset = this.read(name);
      this.loaded.set(name, asset);
      // A failed read (the package removed under a running server) is retried.
      asset.catch(() => this.loaded.delete(name));
    }
    return asset;
  }

  private async read(name: string): Promise<Asset> {
    const bytes = await readFile(join(this.ui.dir, name));
    return { bytes, type: PACKAGE_FILES[name] ?? 'application/octet-stream', etag: contentEtag(bytes) };
  }
}

/** What the page needs to know of where it is served. */
export interface PageLinks {
  readonly title: string;
  /** The document's URL path, mount point included. */
  readonly documentUrl: string;
  /** The URL path the package's files are under, with a trailing slash. */
  readonly packageBase: string;
  /** The start-up script's URL path. */
  readonly startScriptUrl: string;
}

/** The reference page's HTML. */
export function referencePage({ title, documentUrl, packageBase, startScriptUrl }: PageLinks): string {
  const asset = (name: string): string => escapeHtml(`${packageBase}${name}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${asset('swagger-ui.css')}">
<link rel="icon" type="image/png" href="${asset('favicon-32x32.png')}">
</head>
<body>
<div id="swagger-ui" data-document="${escapeHtml(documentUrl)}"></div>
<script src="${asset('swagger-ui-bundle.js')}"></script>
<script src="${escapeHtml(startScriptUrl)}"></script>
</body>
</html>
`;
}
