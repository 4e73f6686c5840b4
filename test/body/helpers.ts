/**
 * Building multipart bodies by hand, and apps that run one body helper and
 * report what it gave.
 */
import { Buffer } from 'node:buffer';
import { BaseHandler } from '../../src/handler/index.js';
import { type Environ } from '../../src/gateway/index.js';

export type PartSpec =
  | { name: string; value: string }
  | { name: string; filename: string; type?: string; data: string | Uint8Array };

export const BOUNDARY = '----tsgiTestBoundary7MA4YWxkTrZu0gW';

/** The bytes of a multipart/form-data body with these parts. */
export function multipartBody(parts: PartSpec[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('filename' in part) {
      chunks.push(
        Buffer.from(
          `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\n` +
            `Content-Type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`,
        ),
      );
      chunks.push(Buffer.from(part.data));
    } else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}`));
    }
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

export const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/** Splits bytes into chunks of `size`, for chunked requests. */
export function* inChunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/**
 * A handler whose POST runs `read` on the environ, keeps the result in
 * `results`, and answers it as JSON (errors answer as HttpErrors do).
 */
export function recording(read: (environ: Environ) => Promise<unknown>): { app: typeof BaseHandler; results: unknown[] } {
  const results: unknown[] = [];
  class Recorder extends BaseHandler {
    async doPOST(): Promise<string> {
      const value = await read(this.environ);
      results.push(value);
      this.start('200 OK', [['Content-Type', 'application/json']]);
      return JSON.stringify(value ?? null);
    }
  }
  return { app: Recorder, results };
}
