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
  /** Whether the field's bytes went to the decoder, which may hold a partial sequence. */
  #split = false;

  /**
   * Takes a part's header block as it came.
   *
   * @throws {@link tsgi!HttpError} 400 when its field name or file name is not UTF-8.
   */
  header(block: Buffer): void {
    this.#field = undefined;
    // A part cut short may leave a partial sequence in the decoder; that
    // part's fault, already past.
    this.#flush();
    let disposition: string | undefined;
    let charset: string | undefined;
    let octets = false;
    for (const line of block.toString('latin1').split('\n')) {
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
   * @throws {@link tsgi!HttpError} 400 when a text field's bytes are not UTF-8.
   */
  data(bytes: Uint8Array): void {
    if (this.#field === undefined || bytes.length === 0) return;
    // Whole, valid sequences need no decoder: isUtf8 is false for a chunk
    // that ends inside one, so the decoder takes over from there on.
    if (!this.#split && isUtf8(bytes)) return;
    this.#split = true;
    try {
      this.#decoder.decode(bytes, { stream: true });
    } catch {
      throw this.#invalid();
    }
  }

  /**
   * Says that the current part's data has ended.
   *
   * @throws {@link tsgi!HttpError} 400 when a text field ended inside a UTF-8 sequence.
   */
  end(): void {
    if (this.#field === undefined) return;
    if (!this.#flush()) throw this.#invalid();
    this.#field = undefined;
  }

  /** Empties the decoder, if it was used; false when it held an unfinished sequence. */
  #flush(): boolean {
    if (!this.#split) return true;
    this.#split = false;
    try {
      this.#decoder.decode();
      return true;
    } catch {
      return false;
    }
  }

  #invalid(): HttpError {
    const error = new HttpError(400, `field ${shown(this.#field ?? '')} is not valid UTF-8`);
    this.#field = undefined;
    return error;
  }
}

/**
 * The `; name=value` parameters of a header value, names lowercased, first
 * of each name kept, quoted values unescaped. A scan rather than a global
 * regex, which cost more than the rest of a part's header check.
 */
function params(value: string): Map<string, string> {
  const found = new Map<string, string>();
  let at = value.indexOf(';');
  while (at !== -1) {
    let start = at + 1;
    while (isSpace(value.charCodeAt(start))) start++;
    const eq = value.indexOf('=', start);
    if (eq === -1) break;
    const name = value.slice(start, eq).trimEnd();
    let from = eq + 1;
    while (isSpace(value.charCodeAt(from))) from++;
    let raw: string;
    let next: number;
    if (value.charCodeAt(from) === 0x22 /* " */) {
      raw = '';
      let k = from + 1;
      for (; k < value.length && value.charCodeAt(k) !== 0x22; k++) {
        if (value.charCodeAt(k) === 0x5c /* \ */ && k + 1 < value.length) k++;
        raw += value[k];
      }
      next = value.indexOf(';', k + 1);
    } else {
      next = value.indexOf(';', from);
      raw = value.slice(from, next === -1 ? undefined : next).trim();
    }
    // A name with a space or `;` in it is no parameter (RFC 7578 names are tokens).
    if (name !== '' && !/[\s;]/.test(name)) {
      const key = name.toLowerCase();
      if (!found.has(key)) found.set(key, raw);
    }
    at = next;
  }
  return found;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09;
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
