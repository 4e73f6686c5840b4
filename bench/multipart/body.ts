/**
 * Multipart bodies for the bench, made from one random megabyte so that
 * gigabytes can be sent without being stored.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';

/** The boundary of every bench body. */
export const BOUNDARY = `----tsgiBench${randomBytes(12).toString('hex')}`;
/** The Content-Type of every bench body. */
export const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;
/** The block file data is cut from. */
export const BLOCK = randomBytes(1024 * 1024);

/** The framing before a file's data. */
export function fileHead(name: string, filename: string): Buffer {
  return Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
}

/** A whole text field part, its closing CRLF included. */
export function fieldPart(name: string, value: string): Buffer {
  return Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
}

/** What follows a file's data: its CRLF, then the closing delimiter. */
export const CLOSE = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

/**
 * Streams a body holding one file of `size` bytes, in chunks of `chunkSize`
 * (views of {@link BLOCK}, so nothing is allocated per chunk).
 */
export function* oneFileBody(size: number, chunkSize: number): Generator<Buffer> {
  yield fieldPart('title', 'bench');
  yield fileHead('upload', 'big.bin');
  let left = size;
  let offset = 0;
  while (left > 0) {
    const take = Math.min(chunkSize, left, BLOCK.length - offset);
    yield BLOCK.subarray(offset, offset + take);
    offset = (offset + take) % BLOCK.length;
    left -= take;
  }
  yield CLOSE;
}

/** The length of {@link oneFileBody}. */
export function oneFileLength(size: number): number {
  return fieldPart('title', 'bench').length + fileHead('upload', 'big.bin').length + size + CLOSE.length;
}

/** A body of many fields and small files, as one buffer. */
export function manyPartsBody(fields: number, files: number, fileSize: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < fields; i++) parts.push(fieldPart(`field${i}`, `value ${i} `.padEnd(100, 'x')));
  for (let i = 0; i < files; i++) {
    parts.push(fileHead(`file${i}`, `f${i}.bin`), BLOCK.subarray(i * fileSize, (i + 1) * fileSize), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(parts);
}

/** Splits bytes into chunk views. */
export function chunksOf(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}
