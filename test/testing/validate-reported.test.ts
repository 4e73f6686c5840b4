import { describe, expect, it } from 'vitest';
import type { App } from '../../src/gateway/types.js';
import { ValidationError } from '../../src/gateway/validator/index.js';
import { TestClient } from '../../src/testing/index.js';

// An app that catches what startResponse throws and answers anyway: the
// violation never reaches the client as an error, but it must still fail
// the request, since the validator reports it as well as throwing it.
const swallowing: App = (_environ, startResponse) => {
  try {
    startResponse('200 OK', [['Content-Type', 'text/plain'], ['X-Bad', 'a\r\nb']]);
  } catch {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
  }
  return ['fine'];
};

describe('TestClient and violations the app swallowed', () => {
  it('rejects with the violation the app caught', async () => {
    const request = new TestClient(swallowing).get('/');
    await expect(request).rejects.toBeInstanceOf(ValidationError);
    await expect(request).rejects.toThrow('header-value');
  });

  it('collects violations per request, so one does not leak into the next', async () => {
    let calls = 0;
    const sometimes: App = (environ, startResponse) => {
      calls++;
      return environ.PATH_INFO === '/bad' ? swallowing(environ, startResponse) : fine(startResponse);
    };
    const fine = (startResponse: Parameters<App>[1]): string[] => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return ['fine'];
    };
    const client = new TestClient(sometimes);
    await expect(client.get('/bad')).rejects.toBeInstanceOf(ValidationError);
    expect((await client.get('/other')).text()).toBe('fine');
    expect(calls).toBe(2);
  });

  it('lets the swallowed violation through when validation is off', async () => {
    expect((await new TestClient(swallowing, { validate: false }).get('/')).text()).toBe('fine');
  });
});
