/**
 * Bare node:http answering the POST workloads by hand: the baseline.
 *
 * @module
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BENCH_HOST, runServerChild } from '../servers/child-runtime.js';
import { guessAnswer, JSON_TYPE, parseGuess, TEXT_TYPE } from './scenarios.js';

async function readAll(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

await runServerChild(async () => {
  const server = createServer((request, response) => {
    const send = (status: number, type: string, body: string): void => {
      response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      response.end(body);
    };
    readAll(request).then(
      (text) => {
        if (request.url === '/echo') return send(200, JSON_TYPE, JSON.stringify(JSON.parse(text)));
        const guess = parseGuess(new URLSearchParams(text).get('myparam') ?? undefined);
        if (guess === undefined) return send(400, TEXT_TYPE, 'bad guess\n');
        return send(200, TEXT_TYPE, guessAnswer(guess));
      },
      () => send(400, TEXT_TYPE, 'bad request\n'),
    );
  });
  await new Promise<void>((listening) => server.listen(0, BENCH_HOST, listening));
  return (server.address() as AddressInfo).port;
});
