/**
 * Holding the text of a multipart body to UTF-8: field names, file names
 * and the values of text fields, checked on the bytes as they arrive.
 *
 * @module
 */
import { Buffer, isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { HttpError } from '../gateway/http-error.js';

const UTF8 = new Set(['utf-8', 'utf8']);
const PARAM = /;\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;

/**
 * Checks each part of a multipart body as its framing is followed: the
 * `name` and `filename` of its `Content-Disposition`, which browsers send
 * as raw UTF-8, and the bytes of a text field (a part with no file name)
 * whose `Content-Type` names no charset or UTF-8. Bytes that are not UTF-8
 * are a 400 naming the field, never a U+FFFD in its place. A text field in
 * another declared charset is left to the parser, which decodes it by that
 * charset.
 *
 * @example
 * ```ts
 * const check = new PartTextCheck();
 * check.header(Buffer.from('Content-Disposition: form-data; name="note"\r\n\r\n', 'latin1'));
 * check.data(Buffer.from([0xff])); // throws 400 field "note" is not valid UTF-8
 * ```
 */
export class PartTextCheck {
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #field: string | undefined;

  /**
   * Takes a part's header block as it came.
   *
   * @throws {@link HttpError} 400 when its field name or file name is not UTF-8.
   */
  header(block: Buffer): void {
    this.#field = undefined;
    let disposition: string | undefined;
    let charset: string | undefined;
    let octets = false;
    for (const line of block.toString('latin1').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1);
      if (name === 'content-disposition') disposition ??= value;
      else if (name === 'content-type') {
        octets = value.split(';')[0]?.trim().toLowerCase() === 'application/octet-stream';
        const declared = params(value).get('charset');
        if (declared !== undefined) charset = declared.toLowerCase();
      }
    }
    if (disposition === undefined || disposition.split(';')[0]?.trim().toLowerCase() !== 'form-data') return;
    const found = params(disposition);
    const rawName = found.get('name') ?? '';
    const nameBytes = Buffer.from(rawName, 'latin1');
    if (!isUtf8(nameBytes)) throw new HttpError(400, `field name ${shown(nameBytes.toString('utf8'))} is not valid UTF-8`);
    const field = nameBytes.toString('utf8');
    const filename = found.get('filename');
    const extended = found.get('filename*');
    if (filename !== undefined && !isUtf8(Buffer.from(filename, 'latin1'))) throw badFilename(field);
    if (extended !== undefined && !extendedIsUtf8(extended)) throw badFilename(field);
    const isFile = filename !== undefined || extended !== undefined || octets;
    if (isFile || (charset !== undefined && !UTF8.has(charset))) return;
    this.#field = field;
  }

  /**
   * Takes bytes of the current part's data, in order.
   *
   * @throws {@link HttpError} 400 when a text field's bytes are not UTF-8.
   */
  data(bytes: Uint8Array): void {
    if (this.#field === undefined || bytes.length === 0) return;
    try {
      this.#decoder.decode(bytes, { stream: true });
    } catch {
      throw this.#invalid();
    }
  }

  /**
   * Says that the current part's data has ended.
   *
   * @throws {@link HttpError} 400 when a text field ended inside a UTF-8 sequence.
   */
  end(): void {
    if (this.#field === undefined) return;
    try {
      this.#decoder.decode();
    } catch {
      throw this.#invalid();
    }
    this.#field = undefined;
  }

  #invalid(): HttpError {
    const error = new HttpError(400, `field ${shown(this.#field ?? '')} is not valid UTF-8`);
    this.#field = undefined;
    return error;
  }
}

/** The parameters of a header value, names lowercased, quoted values unescaped. */
function params(value: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of value.matchAll(PARAM)) {
    const name = (match[1] as string).toLowerCase();
    let raw = (match[2] as string).trim();
    if (raw.startsWith('"')) raw = raw.slice(1, -1).replace(/\\(.)/g, '$1');
    if (!found.has(name)) found.set(name, raw);
  }
  return found;
}

/** Whether an RFC 8187 `charset'language'value` that says UTF-8 spells UTF-8; other charsets are the parser's. */
function extendedIsUtf8(value: string): boolean {
  const parts = value.split("'");
  if (parts.length !== 3 || !UTF8.has((parts[0] as string).toLowerCase())) return true;
  const bytes: number[] = [];
  const text = parts[2] as string;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x25 && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(code & 0xff);
  }
  return isUtf8(Buffer.from(bytes));
}

function badFilename(field: string): HttpError {
  return new HttpError(400, `filename of field ${shown(field)} is not valid UTF-8`);
}

function shown(name: string): string {
  return JSON.stringify(name.slice(0, 100));
}
