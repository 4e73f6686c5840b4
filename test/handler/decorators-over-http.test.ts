import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepts, BaseHandler, body, param, query, route, status } from '../../src/handler/index.js';
import { HttpError, MemoryErrors } from '../../src/gateway/index.js';
import { makeServer, type TsgiServer } from '../../src/server/index.js';

const run = promisify(execFile);

@route('/:id')
class Counters extends BaseHandler {
  doGETALL(@query('n') n: number): string {
    return `n=${n}`;
  }
  doGET(@param('id') id: string): string {
    if (id === 'gone') throw HttpError.gone(`counter <${id}> was removed`);
    const type = this.negotiate(['text/plain', 'application/json']);
    this.start('200 OK', [['Content-Type', type]]);
    return type === 'application/json' ? JSON.stringify({ id }) : `counter ${id}`;
  }
  @status(201)
  @accepts('application/json')
  doPUT(@param('id') id: string, @body() value: unknown): string {
    return JSON.stringify({ id, value });
  }
}

class Midway extends BaseHandler {
  async doGET(): Promise<string> {
    await this.start('200 OK', [['Content-Type', 'text/plain']])('partial ');
    throw HttpError.conflict('too late to say so');
  }
}

describe('decorated handlers behind the reference server', () => {
  let server: TsgiServer;
  let midway: TsgiServer;
  const errors = new MemoryErrors();

  beforeAll(async () => {
    server = makeServer('127.0.0.1', 0, Counters, { log: null, errors });
    midway = makeServer('127.0.0.1', 0, Midway, { log: null, errors });
    await Promise.all([server.listen(), midway.listen()]);
  });

  afterAll(async () => {
    await Promise.all([server.close(), midway.close()]);
  });

  it('answers curl -H "Accept: application/json" with problem+json naming the parameter', async () => {
    const { stdout } = await run('curl', ['-sS', '-i', '-H', 'Accept: application/json', `${server.url}?n=ten`]);
    const [head, text] = stdout.split('\r\n\r\n') as [string, string];
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/i);
    expect(head).toMatch(/\r\nVary: Accept\r\n/i);
    expect(JSON.parse(text)).toEqual({
      type: 'about:blank', title: 'Bad Request', status: 400,
      detail: 'query parameter "n" must be a number, got "ten"', parameter: { in: 'query', name: 'n' },
    });
  });

  it('answers plain curl with text and fetch with a browser Accept with escaped HTML', async () => {
    const { stdout } = await run('curl', ['-sS', `${server.url}gone`]);
    expect(stdout).toBe('counter <gone> was removed\n');
    const response = await fetch(`${server.url}gone`, { headers: { Accept: 'text/html,*/*;q=0.8' } });
    expect(response.status).toBe(410);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('<p>counter &lt;gone&gt; was removed</p>');
  });

  it('routes percent-decoded path parameters, 404s the rest, and converts query values', async () => {
    expect(await (await fetch(`${server.url}caf%C3%A9`)).text()).toBe('counter café');
    expect(await (await fetch(`${server.url}?n=2.5`)).text()).toBe('n=2.5');
    expect((await fetch(`${server.url}a/b`)).status).toBe(404);
  });

  it('negotiates with this.negotiate and answers 406 when nothing fits', async () => {
    const json = await fetch(`${server.url}7`, { headers: { Accept: 'application/json' } });
    expect(await json.json()).toEqual({ id: '7' });
    expect(json.headers.get('vary')).toBe('Accept');
    const refused = await fetch(`${server.url}7`, { headers: { Accept: 'image/png' } });
    expect(refused.status).toBe(406);
    expect(await refused.text()).toContain('text/plain, application/json');
  });

  it('takes a JSON body with @accepts and @status, and answers another type with 415', async () => {
    const { stdout } = await run('curl', ['-sS', '-i', '-X', 'PUT', '-H', 'Content-Type: application/json', '--data-binary', '{"v":1}', `${server.url}a`]);
    expect(stdout).toMatch(/^HTTP\/1\.1 201 Created\r\n/);
    expect(stdout.endsWith('{"id":"a","value":{"v":1}}')).toBe(true);
    const refused = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'PUT', '--data', 'v=1', `${server.url}a`]);
    expect(refused.stdout).toBe('415');
  });

  it('aborts the connection when an error follows the headers, never writing it into the body', async () => {
    const response = await fetch(midway.url);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    const curl = await run('curl', ['-sS', midway.url]).catch((error: { code: number; stdout: string }) => error);
    expect('code' in curl ? curl.code : 0).not.toBe(0);
    expect(curl.stdout).toBe('partial ');
    expect(curl.stdout).not.toContain('too late');
  });
});
