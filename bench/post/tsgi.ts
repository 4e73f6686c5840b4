/**
 * tsgi answering the POST workloads the way an application would: BaseHandler
 * classes mounted with urlMap, reading bodies through the handler helpers.
 *
 * @module
 */
import { BaseHandler, HttpError, makeServer, urlMap } from '../../src/index.js';
import { BENCH_HOST, runServerChild } from '../servers/child-runtime.js';
import { guessAnswer, JSON_TYPE, parseGuess, TEXT_TYPE } from './scenarios.js';

class Echo extends BaseHandler {
  async doPOSTALL(): Promise<string> {
    const data = await this.json();
    this.start('200 OK', [['Content-Type', JSON_TYPE]]);
    return JSON.stringify(data);
  }
}

class Guess extends BaseHandler {
  async doPOSTALL(): Promise<string> {
    const fields = await this.parseFields();
    const guess = parseGuess(fields['myparam']?.[0]);
    if (guess === undefined) throw new HttpError(400, 'bad guess');
    this.start('200 OK', [['Content-Type', TEXT_TYPE]]);
    return guessAnswer(guess);
  }
}

await runServerChild(async () => {
  const server = makeServer(BENCH_HOST, 0, urlMap({ '/echo': Echo, '/guess': Guess }), { log: null });
  await server.listen();
  return server.port;
});
