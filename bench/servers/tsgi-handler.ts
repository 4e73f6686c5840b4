/**
 * tsgi with a BaseHandler subclass: the function-app path plus the handler
 * framework's per-request instance, dispatch and async iteration.
 *
 * @module
 */
import { BaseHandler, makeServer } from '../../src/index.js';
import { HELLO_BODY, HELLO_CONTENT_TYPE } from '../hello.js';
import { BENCH_HOST, runServerChild } from './child-runtime.js';

class Hello extends BaseHandler {
  doGET(): string {
    this.start('200 OK', [['Content-Type', HELLO_CONTENT_TYPE]]);
    return HELLO_BODY;
  }
}

await runServerChild(async () => {
  const server = makeServer(BENCH_HOST, 0, Hello, { log: null }); // no startup line in the bench output
  await server.listen();
  return server.port;
});
