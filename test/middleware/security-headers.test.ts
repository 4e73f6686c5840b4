import { describe, expect, it } from 'vitest';
import { HttpError, renderError, type App } from '../../src/gateway/index.js';
import { securityHeaders } from '../../src/middleware/security-headers/index.js';
import { TestClient } from '../../src/testing/index.js';
import { serve } from '../server/helpers.js';
import { curl, parseCurl } from './support.js';

const page: App = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/html; charset=utf-8']]);
  return ['<!DOCTYPE html><title>x</title>'];
};

describe('securityHeaders', () => {
  it('sends the defaults over a real socket, and no HSTS on http', async () => {
    const { url } = await serve(securityHeaders(page));
    const { status, headers } = parseCurl((await curl(['-i', url])).stdout);
    expect(status).toBe(200);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(headers['content-security-policy']).toBe("frame-ancestors 'self'");
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['strict-transport-security']).toBeUndefined();
    expect(headers['cross-origin-opener-policy']).toBeUndefined();
  });

  it('sends HSTS (180 days by default) only when tsgi.url_scheme is https', async () => {
    const secure = new TestClient(securityHeaders(page), { baseUrl: 'https://example.test' });
    expect((await secure.get('/')).headers.get('Strict-Transport-Security')).toBe('max-age=15552000');
    const tuned = new TestClient(
      securityHeaders(page, { strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true, preload: true } }),
      { baseUrl: 'https://example.test' },
    );
    expect((await tuned.get('/')).headers.get('Strict-Transport-Security')).toBe('max-age=31536000; includeSubDomains; preload');
    const off = new TestClient(securityHeaders(page, { strictTransportSecurity: false }), { baseUrl: 'https://example.test' });
    expect((await off.get('/')).headers.get('Strict-Transport-Security')).toBeUndefined();
    const plain = new TestClient(securityHeaders(page), { baseUrl: 'http://example.test' });
    expect((await plain.get('/')).headers.get('Strict-Transport-Security')).toBeUndefined();
  });

  it('never overrides a header the app set itself, in any letter case', async () => {
    const own: App = (_environ, startResponse) => {
      startResponse('200 OK', [
        ['Content-Type', 'text/html'],
        ['content-security-policy', "default-src 'none'"],
        ['REFERRER-POLICY', 'no-referrer'],
      ]);
      return ['x'];
    };
    const response = await new TestClient(securityHeaders(own)).get('/');
    expect(response.headers.get('Content-Security-Policy')).toBe("default-src 'none'");
    expect(response.headers.get('Referrer-Policy')).toBe('no-referrer');
    expect(response.headers.get('X-Frame-Options')).toBe('SAMEORIGIN');
  });

  it('leaves out what is set to false and adds COOP when asked', async () => {
    const app = securityHeaders(page, {
      nosniff: false,
      referrerPolicy: false,
      contentSecurityPolicy: "frame-ancestors 'none'",
      frameOptions: 'DENY',
      crossOriginOpenerPolicy: 'same-origin',
    });
    const response = await new TestClient(app).get('/');
    expect(response.headers.get('X-Content-Type-Options')).toBeUndefined();
    expect(response.headers.get('Referrer-Policy')).toBeUndefined();
    expect(response.headers.get('Content-Security-Policy')).toBe("frame-ancestors 'none'");
    expect(response.headers.get('X-Frame-Options')).toBe('DENY');
    expect(response.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
  });

  it('adds them to an error page the app replaces its response with (excInfo), and to HEAD', async () => {
    const failing: App = (environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      const error = renderError(HttpError.notFound('gone'), environ.HTTP_ACCEPT);
      startResponse(error.status, error.headers, new Error('changed course'));
      return [error.body];
    };
    const { url } = await serve(securityHeaders(failing));
    const { status, headers } = parseCurl((await curl(['-i', url])).stdout);
    expect(status).toBe(404);
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    // The page carries nosniff already; it is not sent twice.
    expect(headers['x-content-type-options']).toBe('nosniff');
    const head = parseCurl((await curl(['-i', '--head', url])).stdout);
    expect(head.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  });

  it('works for async apps, streamed bodies and apps that write()', async () => {
    const writer: App = async (_environ, startResponse) => {
      await Promise.resolve();
      const write = startResponse('200 OK', [['Content-Type', 'text/plain']]);
      write('early ');
      return (async function* () {
        yield 'late';
      })();
    };
    const { url } = await serve(securityHeaders(writer));
    const { status, headers, body } = parseCurl((await curl(['-i', url])).stdout);
    expect(status).toBe(200);
    expect(body).toBe('early late');
    expect(headers['content-security-policy']).toBe("frame-ancestors 'self'");
  });

  it('refuses bad settings when the app is built', () => {
    expect(() => securityHeaders(page, { referrerPolicy: 'x\r\nSet-Cookie: a=b' })).toThrow(/printable ASCII/);
    expect(() => securityHeaders(page, { strictTransportSecurity: { maxAge: -1 } })).toThrow(/whole number/);
    expect(() => securityHeaders(page, { strictTransportSecurity: { preload: true } })).toThrow(/preload needs includeSubDomains/);
  });
});
