// One scenario per tsgi.websocket rule, under the fake server with the
// in-process extension object TestClient uses.
import type { App } from '../../../src/gateway/types.js';
import { webSocketOf } from '../../../src/gateway/websocket.js';
import { MemoryUpgrade } from '../../../src/testing/websocket.js';
import { serve, TEXT } from './fake-server.js';
import { okApp, type Case } from './server-rules.js';

function handshake(app: App): Case {
  return (onViolation) => serve(app, { environ: { 'tsgi.websocket': new MemoryUpgrade([]) }, onViolation });
}

export const webSocketServerCases = {
  'websocket-api': ((onViolation) => serve(okApp, { environ: { 'tsgi.websocket': { accept: 'yes' } }, onViolation })) as Case,
};

export const webSocketAppCases = {
  'websocket-accept-twice': handshake(async (environ) => {
    await webSocketOf(environ)!.accept();
    await webSocketOf(environ)!.accept();
    return [];
  }),
  'websocket-start-response': handshake(async (environ, startResponse) => {
    await webSocketOf(environ)!.accept();
    startResponse('200 OK', TEXT);
    return [];
  }),
  'websocket-body': handshake(async (environ) => {
    await webSocketOf(environ)!.accept();
    return ['hello'];
  }),
};
