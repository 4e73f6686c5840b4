/**
 * Streaming uploaded files to disk, all or nothing.
 *
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Environ } from '../gateway/types.js';
import { multipart } from './multipart.js';
import type { MultipartOptions } from './multipart-limits.js';
import type { FieldRecord } from './urlencoded.js';

/**
 * A file {@link saveFiles} stored.
 *
 * @example
 * ```ts
 * const saved: SavedFile = form.files.document![0]!;
 * console.log(`${saved.filename} (${saved.size} bytes) is at ${saved.path}`);
 * ```
 *
 * @category Multipart and uploads
 */
export interface SavedFile {
  /** The form field it came in. */
  fieldName: string;
  /** The client's file name, for display only (escape it); the file is not stored under it. */
  filename: string;
  /** Where it was stored: inside the directory given, under a name chosen by the server. */
  path: string;
  /** Its size in bytes. */
  size: number;
  /** The media type the client declared; not verified. */
  mimeType: string;
}

/**
 * The result of {@link saveFiles}: the text fields, and the stored files by
 * field name. Both records have null prototypes.
 *
 * @example
 * ```ts
 * const { fields, files }: SavedForm = await saveFiles(environ, './uploads');
 * ```
 *
 * @category Multipart and uploads
 */
export interface SavedForm {
  /** Text fields, as from {@link parseFields}. */
  fields: FieldRecord;
  /** Stored files, by field name. */
  files: Record<string, SavedFile[]>;
}

/**
 * Options for {@link saveFiles}.
 *
 * @example
 * ```ts
 * await saveFiles(environ, dir, { limits: { files: 1, fileSize: 50 * 1024 * 1024 }, mode: 0o640 });
 * ```
 *
 * @category Multipart and uploads
 */
export interface SaveFilesOptions extends MultipartOptions {
  /** The permission bits of stored files. Default `0o600`: only the server's user may read them. */
  mode?: number;
}

const MAX_NAME = 100;

/**
 * Turns a client's file name into one safe to store: the last path segment
 * only, accents folded to ASCII, anything but letters, digits, `.`, `-` and
 * `_` replaced by `_`, no leading dot, at most 100 characters (keeping the
 * extension), and `file` when nothing is left. {@link saveFiles} prefixes a
 * unique token, so the result never names an existing file.
 *
 * @example
 * ```ts
 * safeFilename('../../etc/passwd');   // 'passwd'
 * safeFilename('C:\\Users\\me\\Résumé 2024.pdf'); // 'Resume_2024.pdf'
 * safeFilename('.htaccess');          // 'htaccess'
 * ```
 *
 * @category Multipart and uploads
 */
export function safeFilename(clientName: string): string {
  const last = clientName.split(/[\\/]/).pop() ?? '';
  const ascii = last.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  let name = ascii.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').replace(/[._]+$/, '');
  if (name.length > MAX_NAME) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = name.slice(0, MAX_NAME - extension.length) + extension;
  }
  return name === '' ? 'file' : name;
}

/**
 * Streams every file of a `multipart/form-data` body into `dir` (created if
 * missing) and gathers the text fields. Each file is written to a temporary
 * name in `dir`, then linked to a unique final name built from a random
 * token and {@link safeFilename}; the client's name is never used as a path.
 * Nothing is buffered beyond the stream's high-water mark, so uploads of any
 * size (within the limits) take little memory. A file input left empty (no
 * file name, no bytes) is skipped.
 *
 * All or nothing: if the client goes away, a limit is passed, the body is
 * malformed or the disk fails, every file this request wrote, partial or
 * complete, is removed before the error propagates.
 *
 * @throws {@link tsgi!HttpError} as {@link multipart} does (415, 400, 413); other
 *   errors (e.g. a full disk) as they are.
 * @example
 * ```ts
 * const { fields, files } = await saveFiles(environ, process.env.UPLOAD_DIR ?? './data/uploads', {
 *   limits: { files: 5, fileSize: 200 * 1024 * 1024 },
 * });
 * for (const file of files.upload ?? []) console.log(file.filename, '→', file.path);
 * ```
 *
 * @category Multipart and uploads
 */
export async function saveFiles(environ: Environ, dir: string, options: SaveFilesOptions = {}): Promise<SavedForm> {
  const fields = Object.create(null) as FieldRecord;
  const files = Object.create(null) as Record<string, SavedFile[]>;
  const written: string[] = [];
  const mode = options.mode ?? 0o600;
  try {
    await mkdir(dir, { recursive: true });
    for await (const part of multipart(environ, options)) {
      if (part.kind === 'field') {
        const values = fields[part.name];
        if (values === undefined) fields[part.name] = [part.value];
        else values.push(part.value);
        continue;
      }
      const temp = join(dir, `.upload-${randomUUID()}.tmp`);
      written.push(temp);
      const out = createWriteStream(temp, { flags: 'wx', mode });
      await pipeline(part.stream, out);
      const size = out.bytesWritten;
      if (part.filename === '' && size === 0) {
        await removeQuietly(temp);
        continue;
      }
      const path = await linkUnique(temp, dir, safeFilename(part.filename));
      written.push(path);
      await removeQuietly(temp);
      const saved: SavedFile = { fieldName: part.name, filename: part.filename, path, size, mimeType: part.mimeType };
      const list = files[part.name];
      if (list === undefined) files[part.name] = [saved];
      else list.push(saved);
    }
  } catch (error) {
    // The original error matters more than a failed cleanup.
    await Promise.all(written.map((path) => removeQuietly(path).catch(() => undefined)));
    throw error;
  }
  return { fields, files };
}

/** Links `temp` to a fresh name; a link never replaces an existing file, unlike rename. */
async function linkUnique(temp: string, dir: string, safe: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const path = join(dir, `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}-${safe}`);
    try {
      await link(temp, path);
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw error;
    }
  }
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
