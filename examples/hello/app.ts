/**
 * The article's `simple_app`: the smallest complete tsgi application.
 */
import type { App } from '../../src/gateway/index.js';

/** Answers every request with a plain-text greeting. */
export const simpleApp: App = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  // A HEAD response carries no body, so none is produced for it.
  return environ.REQUEST_METHOD === 'HEAD' ? [] : ['Hello world!\n'];
};
