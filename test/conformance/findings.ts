/**
 * The findings report: every contract breach and every disagreement with the
 * reference server, per case and host, with counts per host.
 */
import { writeFileSync } from 'node:fs';
import type { Case, Outcome } from './case.js';
import { agreementProblems, contractProblems, defaultsProblems } from './check.js';
import { COMPARED, type HostName } from './hosts.js';
import { expectationFor } from './run.js';

/** Writes the markdown report to `path`. */
export function writeFindings(path: string, cases: readonly Case[], results: ReadonlyMap<HostName, ReadonlyMap<string, Outcome>>): void {
  const get = (host: HostName, name: string): Outcome => results.get(host)!.get(name)!;
  const contractCount = new Map<string, number>();
  const agreementCount = new Map<string, number>();
  const sections: string[] = [];
  for (const entry of cases) {
    const lines: string[] = [];
    for (const host of [...COMPARED, 'testclient-defaults' as const]) {
      const problems =
        host === 'testclient-defaults'
          ? defaultsProblems(entry, expectationFor(entry, host), get(host, entry.name), get('testclient', entry.name))
          : contractProblems(expectationFor(entry, host), get(host, entry.name), entry.request?.method === 'HEAD');
      if (problems.length > 0) {
        contractCount.set(host, (contractCount.get(host) ?? 0) + 1);
        lines.push(`- **${host}** vs contract: ${problems.join('; ')}`);
      }
    }
    for (const host of COMPARED.slice(1)) {
      const problems = agreementProblems(entry, host, get('server', entry.name), get(host, entry.name));
      if (problems.length > 0) {
        agreementCount.set(host, (agreementCount.get(host) ?? 0) + 1);
        lines.push(`- **${host}** vs server: ${problems.join('; ')}`);
      }
    }
    if (lines.length > 0) sections.push(`### ${entry.name}\n\n${entry.note}\n\n${lines.join('\n')}\n`);
  }
  const table = [...COMPARED, 'testclient-defaults' as const]
    .map((host) => `| ${host} | ${contractCount.get(host) ?? 0} | ${host === 'server' || host === 'testclient-defaults' ? '—' : (agreementCount.get(host) ?? 0)} |`)
    .join('\n');
  const text = [
    '# Conformance findings (generated)',
    '',
    `Corpus: ${cases.length} apps. Hosts: ${COMPARED.join(', ')} (+ TestClient with its defaults).`,
    `Cases with any finding: ${sections.length}.`,
    '',
    '| host | cases breaking the contract | cases disagreeing with server |',
    '| --- | --- | --- |',
    table,
    '',
    '## Per case',
    '',
    ...sections,
  ].join('\n');
  writeFileSync(path, text);
}
