import { validateHeaderValue } from 'node:http';
import { describe, expect, it } from 'vitest';
import * as rules from '../../src/gateway/rules.js';
import {
  checkHeaders,
  checkStatus,
  GATEWAY_RULES,
  GatewayError,
  HOP_BY_HOP_HEADERS,
  isFieldValue,
  isToken,
  statusAllowsBody,
} from '../../src/gateway/spec.js';

function ruleOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof GatewayError) return error.rule;
    throw error;
  }
}

describe('GatewayError', () => {
  it('carries its rule and names it in the message', () => {
    const error = new GatewayError('header-value', 'bad value');
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.rule, error.message]).toEqual(['GatewayError', 'header-value', '[header-value] bad value']);
  });

  it('is the one in gateway/rules.ts, re-exported with the rule list', () => {
    expect(GatewayError).toBe(rules.GatewayError);
    expect(GATEWAY_RULES).toBe(rules.GATEWAY_RULES);
  });
});

describe('isToken', () => {
  it.each(['GET', 'Content-Type', 'x-custom_1', "!#$%&'*+-.^_`|~", 'PROPFIND'])('accepts %j', (name) => {
    expect(isToken(name)).toBe(true);
  });

  it.each(['', 'Bad Name', 'a:b', 'a/b', 'a"b', '(x)', 'a\tb', 'é', 'a\r\n', '{}', 'a,b', 'a;b', 'a=b', 'a@b'])(
    'rejects %j',
    (name) => {
      expect(isToken(name)).toBe(false);
    },
  );
});

describe('isFieldValue', () => {
  it.each(['text/plain', '', 'a b', 'tab\there', 'caf\xe9 obs-text \x80\xff', '"quoted"; q=0.5', '~!@#'])(
    'accepts %j',
    (value) => {
      expect(isFieldValue(value)).toBe(true);
    },
  );

  it.each([
    ['CR', 'a\rb'],
    ['LF', 'a\nb'],
    ['CRLF injection', 'x\r\nSet-Cookie: a=1'],
    ['NUL', 'a\0b'],
    ['DEL', 'a\x7fb'],
    ['BEL', 'a\x07b'],
    ['ESC', '\x1b[31m'],
    ['unit separator', '\x1f'],
    ['a character beyond Latin-1', 'caf\u0113'],
    ['a check mark', '\u2713'],
    ['an emoji (a surrogate pair)', '\u{1f600}'],
    ['a lone surrogate', '\ud800'],
  ])('rejects %s', (_name, value) => {
    expect(isFieldValue(value)).toBe(false);
  });
});

describe('isFieldValue against Node', () => {
  // Node's own check (ERR_INVALID_CHAR) decides what every host can send.
  function nodeAccepts(value: string): boolean {
    try {
      validateHeaderValue('X-Test', value);
      return true;
    } catch {
      return false;
    }
  }

  it('agrees with node:http on every character up to U+0200 and on astral ones', () => {
    const samples = [...Array.from({ length: 0x201 }, (_, code) => String.fromCharCode(code)), '\u2713', '\u{1f600}', '\ud800'];
    const disagreements = samples.filter((char) => isFieldValue(`a${char}b`) !== nodeAccepts(`a${char}b`));
    expect(disagreements).toEqual([]);
  });
});

describe('checkStatus', () => {
  it.each([
    ['200 OK', 200],
    ['404 Not Found', 404],
    ['100 Continue', 100],
    ['599 Custom Reason With Spaces', 599],
    ['299 caf\xe9\tok', 299],
  ])('returns the code of %j', (status, code) => {
    expect(checkStatus(status)).toBe(code);
  });

  it.each([
    '200',
    '200 ',
    ' 200 OK',
    '200OK',
    '20 OK',
    '2000 OK',
    '099 Too Low',
    'abc OK',
    '200 O\nK',
    '200 OK\r\n',
    '200 O\0K',
    '２００ OK',
    '200 \u2713',
    '200 Caf\u0113',
    '200 OK \u{1f600}',
  ])('rejects %j', (status) => {
    expect(ruleOf(() => checkStatus(status))).toBe('status-format');
  });

  it('rejects a status that is not a string', () => {
    expect(ruleOf(() => checkStatus(200))).toBe('status-format');
    expect(ruleOf(() => checkStatus(undefined))).toBe('status-format');
  });
});

describe('checkHeaders', () => {
  it('accepts an ordered list with repeated names', () => {
    expect(() =>
      checkHeaders([
        ['Content-Type', 'text/plain'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
        ['X-Empty', ''],
      ]),
    ).not.toThrow();
    expect(() => checkHeaders([])).not.toThrow();
  });

  it.each([
    ['not an array', { 'Content-Type': 'text/plain' }],
    ['a pair that is a string', ['Content-Type: text/plain']],
    ['a pair of three', [['a', 'b', 'c']]],
    ['a pair of one', [['a']]],
    ['a number value', [['Content-Length', 5]]],
    ['a number name', [[1, 'x']]],
  ])('refuses %s as header-list', (_what, headers) => {
    expect(ruleOf(() => checkHeaders(headers))).toBe('header-list');
  });

  it.each(['X Bad', 'X:Bad', '', 'Ünïcode'])('refuses the name %j as header-name', (name) => {
    expect(ruleOf(() => checkHeaders([[name, 'v']]))).toBe('header-name');
  });

  it.each(['Status', 'status', 'STATUS'])('refuses %j as status-header', (name) => {
    expect(ruleOf(() => checkHeaders([[name, '200 OK']]))).toBe('status-header');
  });

  it('refuses every hop-by-hop header, in any case', () => {
    expect(HOP_BY_HOP_HEADERS.size).toBe(9);
    for (const name of HOP_BY_HOP_HEADERS) {
      expect(ruleOf(() => checkHeaders([[name, 'x']]))).toBe('hop-by-hop-header');
      expect(ruleOf(() => checkHeaders([[name.toUpperCase(), 'x']]))).toBe('hop-by-hop-header');
    }
  });

  it.each(['a\r\nb', 'a\nb', 'a\0b', 'a\x7f'])('refuses the value %j as header-value', (value) => {
    expect(ruleOf(() => checkHeaders([['X-Test', value]]))).toBe('header-value');
  });

  it('accepts tabs and obs-text in values', () => {
    expect(() => checkHeaders([['X-Test', 'a\tb\xa0\xff']])).not.toThrow();
  });

  it.each(['\u0100', 'caf\u0113', '\u2713', '\u{1f600}', '\udfff'])(
    'refuses the value %j, beyond Latin-1, as header-value',
    (value) => {
      expect(ruleOf(() => checkHeaders([['X-Test', value]]))).toBe('header-value');
    },
  );
});

describe('statusAllowsBody', () => {
  it.each([
    [100, false],
    [101, false],
    [199, false],
    [200, true],
    [204, false],
    [205, true],
    [301, true],
    [304, false],
    [404, true],
    [500, true],
  ])('%i → %s', (code, allowed) => {
    expect(statusAllowsBody(code)).toBe(allowed);
  });
});
