/**
 * File uploads with a BaseHandler: GET shows a form and the stored files;
 * POST streams the upload to disk with `saveFiles` and redirects back to the
 * list (303, so a reload does not upload again).
 */
import { BaseHandler } from '../../src/handler/index.js';
import { csrf } from '../../src/middleware/csrf/index.js';
import { HttpError, statusLine, type App } from '../../src/gateway/index.js';
import { saveFiles, type MultipartLimits, type SavedForm } from '../../src/body/index.js';
import { renderPage } from './page.js';
import { describeUpload, listUploads } from './store.js';

/** Serves the upload page; subclasses may set another directory or limits. */
export class UploadHandler extends BaseHandler {
  /** Where uploads go: `UPLOAD_DIR`, else `./data/uploads`. Created when missing. */
  static uploadDir: string = process.env.UPLOAD_DIR ?? './data/uploads';
  /** How many of the newest files the page lists. */
  static listLimit = 100;
  /** Limits on one upload request. */
  static limits: MultipartLimits = { files: 1, fileSize: 20 * 1024 * 1024, fields: 5, fieldSize: 1024 };

  message = '';

  get #settings(): typeof UploadHandler {
    return this.constructor as typeof UploadHandler;
  }

  // Nothing lives below the page.
  doGET(): never {
    throw new HttpError(404, `Nothing here: ${this.pathInfo.slice(0, 200)}`);
  }

  async doGETALL(): Promise<string> {
    const { uploadDir, limits, listLimit } = this.#settings;
    const { files, total } = await listUploads(uploadDir, listLimit);
    return renderPage(files, this.message, limits.fileSize ?? 0, total);
  }

  async doPOSTALL(): Promise<string | undefined> {
    const { uploadDir, limits } = this.#settings;
    let stored: SavedForm;
    try {
      stored = await saveFiles(this.environ, uploadDir, { limits });
    } catch (error) {
      // Show the page again with the reason; anything else is a 500.
      if (!(error instanceof HttpError) || error.status >= 500) throw error;
      return this.#again(error.status, error.detail);
    }
    const files = stored.files.file ?? [];
    if (files.length === 0) return this.#again(400, 'Choose a file to upload.');
    const note = (stored.fields.note?.[0] ?? '').slice(0, 200);
    for (const file of files) await describeUpload(file, note);
    this.start('303 See Other', [
      ['Location', `${this.environ.SCRIPT_NAME}/`],
      ['Content-Type', 'text/plain; charset=utf-8'],
    ]);
    return `Stored ${files.length} file(s).\n`;
  }

  async #again(status: number, message: string): Promise<string> {
    this.message = message;
    this.statusOverride = statusLine(status);
    return this.doGETALL();
  }
}

/**
 * The upload page as the examples serve it: an upload posted from a page of
 * another origin is refused with 403 before a byte of it is stored.
 */
export const uploadApp: App = csrf(UploadHandler);
