/**
 * Bare node:http, written by hand for each scenario: the reference for bytes
 * and for CPU per request.
 *
 * @module
 */
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import { gzip } from 'node:zlib';
import { HELLO_BODY, HELLO_CONTENT_TYPE, HELLO_LENGTH } from '../hello.js';
import { guessAnswer, GZIP_LEVEL, JSON_TYPE, parseGuess, TEXT_64K, TEXT_TYPE, type ScenarioId } from '../scenarios.js';
import { listenNode, scenarioArgument, serveChild, unsupported } from './child.js';

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, ...extra, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function withBody(answer: (text: string, res: ServerResponse) => void): RequestListener {
  return (req, res) => {
    readText(req).then(
      (text) => answer(text, res),
      () => send(res, 400, TEXT_TYPE, 'bad request\n'),
    );
  };
}

function listener(scenario: ScenarioId): RequestListener {
  switch (scenario) {
    case 'hello-function':
      return (_req, res) => {
        res.writeHead(200, { 'Content-Type': HELLO_CONTENT_TYPE, 'Content-Length': HELLO_LENGTH });
        res.end(HELLO_BODY);
      };
    case 'json-echo':
      return withBody((text, res) => send(res, 200, JSON_TYPE, JSON.stringify(JSON.parse(text))));
    case 'form':
      return withBody((text, res) => {
        const field = parse(text)['myparam'];
        const guess = parseGuess(typeof field === 'string' ? field : undefined);
        if (guess === undefined) send(res, 400, TEXT_TYPE, 'bad guess\n');
        else send(res, 200, TEXT_TYPE, guessAnswer(guess));
      });
    case 'param':
      return (req, res) => {
        const match = /^\/items\/(\d+)$/.exec(req.url ?? '');
        if (match === null) send(res, 404, TEXT_TYPE, 'not found\n');
        else send(res, 200, JSON_TYPE, JSON.stringify({ id: Number(match[1]) }));
      };
    case 'gzip-64k': {
      const text = Buffer.from(TEXT_64K);
      return (_req, res) => {
        gzip(text, { level: GZIP_LEVEL }, (error, packed) => {
          if (error !== null) send(res, 500, TEXT_TYPE, 'gzip failed\n');
          else send(res, 200, TEXT_TYPE, packed, { Vary: 'Accept-Encoding', 'Content-Encoding': 'gzip' });
        });
      };
    }
    default:
      throw unsupported('bare', scenario);
  }
}

await serveChild(() => listenNode(createServer(listener(scenarioArgument()))));
