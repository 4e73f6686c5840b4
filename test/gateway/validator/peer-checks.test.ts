// Every check of Rack::Lint and wsgiref.validate, and the validation cases of
// test_wsgiref, as tsgi ports them: each either maps to a gateway rule the
// scenario must break, or is shown not to apply. docs/gateway.md lists the
// same ports, row for row.
import { describe, expect, it } from 'vitest';
import { GATEWAY_RULES } from '../../../src/gateway/rules.js';
import { ValidationError, type ViolationHandler } from '../../../src/gateway/validator/index.js';
import { gatewayDoc, sectionOf, tableRows, unquote } from '../doc-tables.js';
import { turn, violationOf } from './fake-server.js';
import type { PeerCheck } from './peer-check.js';
import { rackChecks } from './peer-checks-rack.js';
import { wsgirefChecks } from './peer-checks-wsgiref.js';

const ports: PeerCheck[] = [...rackChecks, ...wsgirefChecks];

async function passes(run: PeerCheck['run']): Promise<ValidationError[]> {
  const violations: ValidationError[] = [];
  const onViolation: ViolationHandler = (error) => violations.push(error);
  await run(onViolation);
  await turn();
  await turn();
  return violations;
}

describe('checks of the peer validators', () => {
  it.each(ports.map((port) => [`${port.peer}: ${port.check} → ${port.tsgi}`, port] as const))('%s', async (_name, port) => {
    if (port.shows === 'passes') {
      expect(await passes(port.run)).toEqual([]);
    } else if (port.shows === 'TypeError') {
      expect(() => port.run(() => {})).toThrow(TypeError);
    } else {
      const error = await violationOf(port.run);
      expect(error.rule).toBe(port.shows);
      expect(error.side).toBe(GATEWAY_RULES[port.shows].side);
    }
  });

  it('names each port once', () => {
    const names = ports.map((port) => `${port.peer}: ${port.check}`);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });

  it('lists in docs/gateway.md exactly the ports tested here, with the same outcome', () => {
    const rows = tableRows(sectionOf(gatewayDoc(), 'Checks of the peer validators'));
    const documented = rows.map(([peer, check, tsgi]) => `${peer} | ${check} | ${unquote(tsgi ?? '')}`).sort();
    const tested = ports.map((port) => `${port.peer} | ${port.check} | ${port.tsgi}`).sort();
    expect(documented).toEqual(tested);
  });

  it('ports no check to a rule that does not exist', () => {
    const outcomes = new Set(['does not apply', 'passes', 'TypeError', ...Object.keys(GATEWAY_RULES)]);
    expect(ports.filter((port) => !outcomes.has(port.tsgi))).toEqual([]);
  });
});
