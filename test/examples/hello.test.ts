import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { simpleApp } from '../../examples/hello/app.js';
import { TestClient } from '../../src/testing/index.js';

describe('hello example', () => {
  it('greets in plain text', async () => {
    const response = await new TestClient(simpleApp).get('/anything');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(response.text()).toBe('Hello world!\n');
  });

  it('runs as `npm run example:hello` does, serves over HTTP, and exits 0 on Ctrl-C', async () => {
    const child = spawn(process.execPath, ['dist/examples/hello/main.js'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const lines = createInterface({ input: child.stdout! });
      let url = '';
      for await (const line of lines) {
        const match = /(http:\/\/\S+)/.exec(line);
        if (match) {
          url = match[1]!;
          break;
        }
      }
      const response = await fetch(url);
      expect(await response.text()).toBe('Hello world!\n');
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
