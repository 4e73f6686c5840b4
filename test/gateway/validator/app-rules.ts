// One scenario per app-side rule: an app that breaks exactly that rule,
// served by a correct fake server.
import type { App, ResponseHeaders, Write } from '../../../src/gateway/types.js';
import type { ValidationRule } from '../../../src/gateway/validator/index.js';
import { serve, TEXT } from './fake-server.js';
import type { Case } from './server-rules.js';

function responding(status: string, headers: unknown, body: unknown = []): App {
  return (_environ, startResponse) => {
    startResponse(status, headers as ResponseHeaders);
    return body as string[];
  };
}

function served(app: App, environ?: Record<string, unknown>): Case {
  return (onViolation) => serve(app, { environ, onViolation });
}

export const appCases = {
  'input-read-size': served(async (environ, startResponse) => {
    await environ['tsgi.input'].read(-1);
    startResponse('200 OK', TEXT);
    return [];
  }),
  'input-after-close': async (onViolation) => {
    let input: { read(): Promise<Uint8Array> } | undefined;
    await serve(
      (environ, startResponse) => {
        input = environ['tsgi.input'];
        startResponse('200 OK', TEXT);
        return ['ok'];
      },
      { onViolation },
    );
    // As a background task might, long after the response was closed.
    await input!.read();
  },
  'errors-write': served((environ, startResponse) => {
    environ['tsgi.errors'].write(42 as never);
    startResponse('200 OK', TEXT);
    return [];
  }),
  'status-format': served(responding('200', TEXT)),
  'status-informational': served(responding('103 Early Hints', [])),
  'header-list': served(responding('200 OK', { 'Content-Type': 'text/plain' })),
  'header-name': served(responding('200 OK', [...TEXT, ['X Custom', '1']])),
  'status-header': served(responding('200 OK', [...TEXT, ['Status', '200 OK']])),
  'hop-by-hop-header': served(responding('200 OK', [...TEXT, ['Transfer-Encoding', 'chunked']])),
  'header-value': served(responding('200 OK', [...TEXT, ['Set-Cookie', 'a=1\r\nX-Injected: 1']])),
  'content-type-missing': served(responding('200 OK', [])),
  'content-type-forbidden': served(responding('204 No Content', TEXT)),
  'content-length-forbidden': served(responding('204 No Content', [['Content-Length', '0']])),
  'content-length-value': served(responding('200 OK', [...TEXT, ['Content-Length', '2 bytes']], ['ok'])),
  'start-response-twice': served((_environ, startResponse) => {
    startResponse('200 OK', TEXT);
    startResponse('404 Not Found', TEXT);
    return [];
  }),
  'start-response-first': served(async function* (_environ, startResponse) {
    yield 'too early';
    startResponse('200 OK', TEXT);
  }),
  'start-response-missing': served(() => []),
  'chunk-type': served(responding('200 OK', TEXT, ['ok', 42])),
  'write-after-close': async (onViolation) => {
    let write: Write | undefined;
    await serve(
      (_environ, startResponse) => {
        write = startResponse('200 OK', TEXT);
        return ['ok'];
      },
      { onViolation },
    );
    await write!('late');
  },
  'body-type': served(responding('200 OK', TEXT, 'ok')),
  'head-body': served(responding('200 OK', TEXT, ['not for HEAD']), { REQUEST_METHOD: 'HEAD' }),
  'content-length-mismatch': served(responding('200 OK', [...TEXT, ['Content-Length', '10']], ['short'])),
} satisfies { [K in ValidationRule]?: Case };
