/**
 * Finding where a JSON text breaks, for error messages that point at it.
 * `JSON.parse` does not always say where (V8 often names only the token), so
 * the text is walked again, only after `JSON.parse` has refused it.
 *
 * @module
 */

/**
 * Where a JSON text first breaks: a character offset, its 1-based line and
 * column, and what was expected there.
 *
 * @example
 * ```ts
 * const where: JsonErrorPosition = { offset: 5, line: 1, column: 6, reason: 'expected a value' };
 * ```
 */
export interface JsonErrorPosition {
  /** Characters before the fault. */
  offset: number;
  /** 1-based line of the fault. */
  line: number;
  /** 1-based column of the fault, in characters. */
  column: number;
  /** What the parser expected there. */
  reason: string;
}

type Container = 0 | 1; // 0 array, 1 object
const ARRAY: Container = 0;
const OBJECT: Container = 1;

class Fault {
  constructor(readonly offset: number, readonly reason: string) {}
}

/**
 * Finds the first syntax error in `text` (RFC 8259 grammar), or `undefined`
 * when the text is valid JSON. Nesting is tracked with an explicit stack, so
 * deep input cannot overflow the call stack.
 *
 * @example
 * ```ts
 * locateJsonError('{"a": 1,\n "b" 2}');
 * // { offset: 14, line: 2, column: 6, reason: "expected ':' after a property name" }
 * ```
 */
export function locateJsonError(text: string): JsonErrorPosition | undefined {
  try {
    walk(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof Fault)) throw error;
    return position(text, error.offset, error.reason);
  }
}

function position(text: string, offset: number, reason: string): JsonErrorPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1, reason };
}

function walk(text: string): void {
  const stack: Container[] = [];
  let i = skipSpace(text, 0);
  for (;;) {
    // A value is expected at i.
    i = value(text, i, stack);
    // After a value: close containers or move to the next element.
    for (;;) {
      i = skipSpace(text, i);
      if (stack.length === 0) {
        if (i < text.length) throw new Fault(i, 'unexpected text after the JSON value');
        return;
      }
      const top = stack[stack.length - 1];
      const ch = text[i];
      if (ch === ',') {
        i = skipSpace(text, i + 1);
        if (top === OBJECT) i = propertyName(text, i);
        break;
      }
      if ((top === ARRAY && ch === ']') || (top === OBJECT && ch === '}')) {
        stack.pop();
        i++;
        continue;
      }
      throw new Fault(i, top === ARRAY ? "expected ',' or ']' after an array element" : "expected ',' or '}' after a property value");
    }
  }
}

/** Reads one value at i; opened containers are pushed and i moves inside them. */
function value(text: string, start: number, stack: Container[]): number {
  let i = start;
  for (;;) {
    const ch = text[i];
    if (ch === undefined) throw new Fault(i, 'unexpected end of input; expected a value');
    if (ch === '{' || ch === '[') {
      const next = skipSpace(text, i + 1);
      if (text[next] === (ch === '{' ? '}' : ']')) return next + 1;
      stack.push(ch === '{' ? OBJECT : ARRAY);
      i = ch === '{' ? propertyName(text, next) : next;
      continue;
    }
    if (ch === '"') return string(text, i);
    if (ch === '-' || (ch >= '0' && ch <= '9')) return number(text, i);
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) return i + word.length;
    }
    throw new Fault(i, `unexpected character ${JSON.stringify(ch)}; expected a value`);
  }
}

/** Reads `"name" :` at i and returns where the property's value starts. */
function propertyName(text: string, i: number): number {
  if (text[i] !== '"') throw new Fault(i, i >= text.length ? 'unexpected end of input; expected a property name' : 'expected a double-quoted property name');
  const next = skipSpace(text, string(text, i));
  if (text[next] !== ':') throw new Fault(next, "expected ':' after a property name");
  return skipSpace(text, next + 1);
}

function string(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) throw new Fault(i, 'unescaped control character in a string');
    if (code === 0x5c) {
      const escape = text[i + 1];
      if (escape === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Fault(i, 'bad \\u escape; expected four hex digits');
        i += 6;
        continue;
      }
      if (escape === undefined || !'"\\/bfnrt'.includes(escape)) throw new Fault(i, 'bad escape in a string');
      i += 2;
      continue;
    }
    i++;
  }
  throw new Fault(start, 'unterminated string');
}

function number(text: string, start: number): number {
  const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  match.lastIndex = start;
  const found = match.exec(text);
  if (found === null || found[0] === '-') throw new Fault(start, 'malformed number');
  const end = start + found[0].length;
  const after = text[end];
  if (after !== undefined && /[0-9.eE+-]/.test(after)) throw new Fault(end, 'malformed number');
  return end;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) break;
    i++;
  }
  return i;
}
