import { describe, expect, it } from 'vitest';
import { GATEWAY_RULES, GatewayError, type GatewayRule } from '../../src/gateway/rules.js';
import { VALIDATION_RULES, ValidationError } from '../../src/gateway/validator/index.js';
import { gatewayDoc, sectionOf, tableRows, unquote } from './doc-tables.js';

describe('GATEWAY_RULES', () => {
  it('is the list docs/gateway.md gives, rule for rule, with the same side and text', () => {
    const documented = tableRows(sectionOf(gatewayDoc(), 'The rules, by name')).map(([rule, side, text]) => ({
      rule: unquote(rule ?? ''),
      side,
      text,
    }));
    const listed = Object.entries(GATEWAY_RULES).map(([rule, { side, description }]) => ({ rule, side, text: description }));
    expect(documented).toEqual(listed);
  });

  it('names each rule in kebab case, with a side and a one-line description', () => {
    for (const [rule, info] of Object.entries(GATEWAY_RULES)) {
      expect(rule).toMatch(/^[a-z]+(?:-[a-z]+)*$/);
      expect(['server', 'app']).toContain(info.side);
      expect(info.description).toMatch(/^\S.*\.$/);
      expect(info.description).not.toContain('\n');
    }
  });

  it.each([
    'status-format',
    'status-informational',
    'header-list',
    'header-name',
    'status-header',
    'hop-by-hop-header',
    'header-value',
    'content-length-value',
    'content-length-mismatch',
    'start-response-twice',
    'start-response-first',
    'start-response-missing',
    'chunk-type',
    'write-after-close',
    'body-type',
  ] satisfies GatewayRule[])('holds %s, which the hosts throw and log, as an app rule', (rule) => {
    expect(GATEWAY_RULES[rule].side).toBe('app');
  });

  it('no longer holds the server-only names it replaced', () => {
    for (const gone of ['content-length', 'write-before-start']) expect(Object.hasOwn(GATEWAY_RULES, gone)).toBe(false);
  });

  it('is the very list the validator exports as VALIDATION_RULES', () => {
    expect(VALIDATION_RULES).toBe(GATEWAY_RULES);
  });
});

describe('GatewayError', () => {
  it('carries its rule, and a ValidationError is one, with the side from the list', () => {
    const error = new ValidationError('session-api', 'no get()');
    expect(error).toBeInstanceOf(GatewayError);
    expect([error.rule, error.side, error.message]).toEqual(['session-api', 'server', '[session-api] server violation: no get()']);
  });
});
