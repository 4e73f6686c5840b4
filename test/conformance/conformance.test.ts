/**
 * The differential conformance suite: every corpus app through every host,
 * each outcome held to the lifecycle's contract and to the reference server.
 *
 * The matrix runs once in beforeAll (hosts in parallel, cases one at a time
 * per host); each `it` then judges one case on one host, so a failure names
 * both. Set CONFORMANCE_FINDINGS=<path> to also write every problem found
 * as a markdown report.
 *
 * The validate host is makeServer running each case under validate(): the
 * rule it reports must be the rule the bare hosts log, unless the case says
 * (`validated`) where the validator deliberately refuses what hosts tolerate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from './case.js';
import { agreementProblems, contractProblems, defaultsProblems } from './check.js';
import { corpus } from './corpus/index.js';
import { writeFindings } from './findings.js';
import { COMPARED, fetchHost, listenerHost, serverHost, testClientHost, type Host, type HostName } from './hosts.js';
import { expectationFor, runAll } from './run.js';

const hosts: Host[] = [
  serverHost(corpus, false),
  testClientHost(corpus, false),
  listenerHost(corpus),
  fetchHost(corpus),
  serverHost(corpus, true),
  testClientHost(corpus, true),
];
const results = new Map<HostName, Map<string, Outcome>>();

function outcome(host: HostName, name: string): Outcome {
  const found = results.get(host)?.get(name);
  if (found === undefined) throw new Error(`no outcome for ${name} on ${host}`);
  return found;
}

beforeAll(async () => {
  await Promise.all(hosts.map((host) => host.start()));
  await Promise.all(hosts.map(async (host) => results.set(host.name, await runAll(host, corpus))));
}, 120_000);

afterAll(async () => {
  await Promise.all(hosts.map((host) => host.stop()));
  const path = process.env.CONFORMANCE_FINDINGS;
  if (path !== undefined && path !== '' && results.size === hosts.length) writeFindings(path, corpus, results);
});

it('has a corpus of at least 90 apps', () => {
  expect(corpus.length).toBeGreaterThanOrEqual(90);
});

for (const entry of corpus) {
  describe(`${entry.name}: ${entry.note}`, () => {
    for (const host of COMPARED) {
      it(`${host} meets the contract`, () => {
        expect(contractProblems(expectationFor(entry, host), outcome(host, entry.name), entry.request?.method === 'HEAD')).toEqual([]);
      });
    }
    for (const host of COMPARED.slice(1)) {
      it(`${host} agrees with server`, () => {
        expect(agreementProblems(entry, host, outcome('server', entry.name), outcome(host, entry.name))).toEqual([]);
      });
    }
    it('testclient with defaults rejects broken apps with their rule, else matches catchErrors', () => {
      expect(
        defaultsProblems(entry, expectationFor(entry, 'testclient-defaults'), outcome('testclient-defaults', entry.name), outcome('testclient', entry.name)),
      ).toEqual([]);
    });
  });
}
