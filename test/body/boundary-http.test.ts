import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseHandler } from '../../src/handler/index.js';
import { makeServer, type TsgiServer } from '../../src/server/index.js';
import { MemoryErrors } from '../../src/gateway/index.js';

/**
 * Boundaries RFC 2046 allows but a strict token reading does not (`=`, `:`,
 * a space), found by the fuzz run as 500s: the multipart reader and busboy
 * must agree on them, and anything either refuses is the client's 400.
 */
describe('multipart boundaries over a real socket', () => {
  let server: TsgiServer;
  const errors = new MemoryErrors();

  class Fields extends BaseHandler {
    async doPOST(): Promise<string> {
      const fields: string[] = [];
      for await (const part of this.multipart()) if (part.kind === 'field') fields.push(`${part.name}=${part.value}`);
      this.start('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
      return fields.join('&');
    }
  }

  beforeAll(async () => {
    server = makeServer('127.0.0.1', 0, Fields, { log: null, errors });
    await server.listen();
  });
  afterAll(() => server.close());

  const post = (contentType: string, boundary: string): Promise<Response> =>
    fetch(server.url, {
      method: 'POST',
      headers: { 'Content-Type': contentType },
      body: `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}--\r\n`,
    });

  it.each([
    ['an unquoted =', 'multipart/form-data; boundary=a=b', 'a=b'],
    ['a colon', 'multipart/form-data; boundary=----x.1:46127', '----x.1:46127'],
    ['a quoted space', 'multipart/form-data; boundary="a b"', 'a b'],
  ])('reads a body whose boundary holds %s', async (_what, contentType, boundary) => {
    const response = await post(contentType, boundary);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('note=hello');
  });

  it('answers 400, never 500, for boundaries it cannot use', async () => {
    for (const contentType of ['multipart/form-data; boundary=', 'multipart/form-data', 'multipart/form-data; boundary="unclosed']) {
      const response = await post(contentType, 'x');
      expect(response.status, contentType).toBe(400);
      expect(await response.text()).toMatch(/Malformed multipart\/form-data request/);
    }
    expect(errors.text).not.toMatch(/reference/);
  });
});
