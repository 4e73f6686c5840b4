import { describe, expect, it } from 'vitest';
import { basicAuth, parseBasicAuth, staticCredentials } from '../../src/middleware/basic-auth/index.js';
import { TestClient } from '../../src/testing/index.js';
import { type App } from '../../src/gateway/index.js';
import { serve } from '../server/helpers.js';
import { curl, parseCurl } from './support.js';

const whoami: App = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [`hello ${String(environ.REMOTE_USER)} via ${String(environ.AUTH_TYPE)}\n`];
};

const basic = (text: string): string => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

describe('basicAuth', () => {
  const protectedApp = basicAuth(whoami, {
    realm: 'Staff "only" \\ area',
    verify: staticCredentials({ ada: 'lovelace', 'zoë': 'pâss:wörd' }),
  });
  const client = new TestClient(protectedApp);

  it('lets valid credentials in and sets REMOTE_USER and AUTH_TYPE', async () => {
    const response = await client.get('/', { headers: { Authorization: basic('ada:lovelace') } });
    expect(response.status).toBe(200);
    expect(response.text()).toBe('hello ada via Basic\n');
  });

  it('accepts UTF-8 user names and passwords containing colons', async () => {
    const response = await client.get('/', { headers: { Authorization: basic('zoë:pâss:wörd') } });
    expect(response.text()).toBe('hello zoë via Basic\n');
  });

  it('challenges with a quoted, escaped realm and charset', async () => {
    const response = await client.get('/');
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Basic realm="Staff \\"only\\" \\\\ area", charset="UTF-8"');
    expect(response.text()).toContain('Unauthorized');
  });

  it.each([
    ['a wrong password', basic('ada:babbage')],
    ['an unknown user', basic('charles:lovelace')],
    ['bad base64', 'Basic !!!not-base64!!!'],
    ['base64 without a colon', basic('adalovelace')],
    ['an empty user', basic(':lovelace')],
    ['another scheme', 'Bearer abc.def'],
    ['the scheme alone', 'Basic'],
    ['invalid UTF-8', `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`],
    ['a control character', basic('ada:love\nlace')],
    ['a huge header', basic(`ada:${'x'.repeat(10_000)}`)],
  ])('answers %s with 401, never 500', async (_case, header) => {
    const response = await client.get('/', { headers: { Authorization: header } });
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toMatch(/^Basic realm=/);
  });

  it('takes an async verify and fails closed when it throws', async () => {
    const flaky = new TestClient(
      basicAuth(whoami, {
        realm: 'r',
        verify: async (user) => {
          if (user === 'boom') throw new Error('user store down');
          return user === 'ok';
        },
      }),
    );
    expect((await flaky.get('/', { headers: { Authorization: basic('ok:x') } })).status).toBe(200);
    const failed = await flaky.get('/', { headers: { Authorization: basic('boom:x') } });
    expect(failed.status).toBe(401);
    expect(failed.errors).toContain('user store down');
  });

  it('sends no body for HEAD', async () => {
    const response = await client.head('/');
    expect(response.status).toBe(401);
    expect(response.text()).toBe('');
  });

  it('refuses a realm that is not printable ASCII', () => {
    expect(() => basicAuth(whoami, { realm: '日本', verify: () => true })).toThrow(TypeError);
    expect(() => basicAuth(whoami, { realm: 'a\r\nSet-Cookie: x=1', verify: () => true })).toThrow(TypeError);
  });

  it('parses the scheme case-insensitively', () => {
    expect(parseBasicAuth(`bAsIc ${Buffer.from('a:b').toString('base64')}`)).toEqual({ user: 'a', password: 'b' });
  });

  it('staticCredentials checks every entry and refuses an empty table', () => {
    const verify = staticCredentials({ a: '1', b: '2' });
    expect(verify('a', '1', {} as never)).toBe(true);
    expect(verify('a', '2', {} as never)).toBe(false);
    expect(verify('b', '2', {} as never)).toBe(true);
    expect(() => staticCredentials({})).toThrow(RangeError);
  });

  it('works with curl -u over a real server', async () => {
    const { url } = await serve(protectedApp);
    const good = parseCurl((await curl(['-i', '-u', 'ada:lovelace', url])).stdout);
    expect(good.status).toBe(200);
    expect(good.body).toBe('hello ada via Basic\n');

    const bad = parseCurl((await curl(['-i', '-u', 'ada:wrong', url])).stdout);
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toContain('charset="UTF-8"');

    const none = parseCurl((await curl(['-i', url])).stdout);
    expect(none.status).toBe(401);

    const malformed = parseCurl((await curl(['-i', '-H', 'Authorization: Basic %%%garbage', url])).stdout);
    expect(malformed.status).toBe(401);
    const noColon = parseCurl((await curl(['-i', '-H', `Authorization: Basic ${Buffer.from('nocolon').toString('base64')}`, url])).stdout);
    expect(noColon.status).toBe(401);
  });
});
