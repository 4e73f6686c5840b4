import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseHandler } from '../../src/handler/index.js';
import { makeServer, type TsgiServer } from '../../src/server/index.js';
import { MemoryErrors } from '../../src/gateway/index.js';

const run = promisify(execFile);

class Notes extends BaseHandler {
  static override bodyLimit = 1024;
  doGET(): string {
    return `note ${this.pathInfo}`;
  }
  async doPOST(): Promise<string> {
    const fields = await this.parseFields();
    this.start('200 OK', [['Content-Type', 'application/json']]);
    return JSON.stringify(fields);
  }
}

describe('BaseHandler behind the reference server', () => {
  let server: TsgiServer;
  const errors = new MemoryErrors();

  beforeAll(async () => {
    server = makeServer('127.0.0.1', 0, Notes, { log: null, errors });
    await server.listen();
  });

  afterAll(async () => {
    await server.close();
  });

  it('parses the fields of a chunked POST sent by curl', async () => {
    const { stdout } = await run('curl', [
      '-sS', '-H', 'Transfer-Encoding: chunked', '--data-binary', 'myparam=42&note=hi+there', `${server.url}x`,
    ]);
    expect(JSON.parse(stdout)).toEqual({ myparam: ['42'], note: ['hi there'] });
  });

  it('answers an unimplemented method with 405 and the exact Allow', async () => {
    const { stdout } = await run('curl', ['-sS', '-i', '-X', 'DELETE', `${server.url}x`]);
    expect(stdout).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(stdout).toMatch(/\r\nAllow: GET, HEAD, OPTIONS, POST\r\n/i);
  });

  it('answers 400 to a malformed percent-encoding in the path', async () => {
    const { stdout } = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `${server.url}%E0%A4%A`]);
    expect(stdout).toBe('400');
  });

  it('answers 413 to a body over the limit without reading all of it', async () => {
    const total = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let written = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}x`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', (error) => (written > 0 ? undefined : reject(error)));
      const pump = (): void => {
        while (written < total) {
          written += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(written).toBeLessThan(total);
  });
});
