/**
 * Checking a handler class's `doX` names when it is planned: a name that
 * looks like a request handler but that no request can reach is a mistake
 * the author hears about at startup, with the name they probably meant.
 *
 * @module
 */

// The IANA HTTP Method Registry's methods whose names can follow `do` (the
// hyphenated ones cannot), less PRI (the HTTP/2 preface, never a request),
// plus PURGE, which caches use without registering it.
const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'ACL', 'BIND', 'CHECKIN', 'CHECKOUT', 'CONNECT', 'COPY', 'DELETE', 'GET', 'HEAD', 'LABEL', 'LINK', 'LOCK', 'MERGE',
  'MKACTIVITY', 'MKCALENDAR', 'MKCOL', 'MKREDIRECTREF', 'MKWORKSPACE', 'MOVE', 'OPTIONS', 'ORDERPATCH', 'PATCH', 'POST',
  'PROPFIND', 'PROPPATCH', 'PURGE', 'PUT', 'QUERY', 'REBIND', 'REPORT', 'SEARCH', 'TRACE', 'UNBIND', 'UNCHECKOUT',
  'UNLINK', 'UNLOCK', 'UPDATE', 'UPDATEREDIRECTREF',
  // Not a request method: doWEBSOCKET answers WebSocket handshakes.
  'WEBSOCKET',
]);

// The methods a mixed-case name (`doGet`, `doPostAll`) is taken to misspell.
// The other registered ones (`doCopy`, `doUpdate`, `doSearch`, …) are
// ordinary words, and such helpers are left alone.
const CORE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'QUERY']);

const UPPER = /^do([A-Z]+)$/;
const MIXED = /^do([A-Z][A-Za-z]*)$/;

/** The request method a `doX` or `doXALL` name answers, `ALL` taken off. */
function methodOf(upperName: string): string {
  return upperName.endsWith('ALL') && upperName.length > 3 ? upperName.slice(0, -3) : upperName;
}

/**
 * What is wrong with the `doX` names of a class and its ancestors below
 * `base`, one line each; empty when nothing is.
 *
 * - An all-caps `doX` is a request handler by tsgi's convention, so its
 *   method must be a registered one (or listed in `extensionMethods`);
 *   `doGETT` is refused, suggesting `doGET`.
 * - A mixed-case name spelling a core method (`doGet`, `doGetAll`) would
 *   never be called, since request methods are upper case, and is refused.
 * - Any other name (`doSomething`, `doUpdate`) is a helper and fine.
 */
export function methodNameProblems(handlerClass: Function, base: Function, extensionMethods: readonly string[]): string[] {
  const allowed = new Set([...KNOWN_METHODS, ...extensionMethods]);
  const problems: string[] = [];
  const seen = new Set<string>();
  const stop: unknown = base.prototype;
  for (let proto: unknown = handlerClass.prototype; proto !== null && proto !== stop && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const owner = (proto as { constructor: Function }).constructor.name;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (seen.has(name) || typeof Object.getOwnPropertyDescriptor(proto, name)?.value !== 'function') continue;
      seen.add(name);
      const problem = nameProblem(name, allowed);
      if (problem !== undefined) problems.push(`${owner}.${name} ${problem}`);
    }
  }
  return problems;
}

function nameProblem(name: string, allowed: ReadonlySet<string>): string | undefined {
  const upper = UPPER.exec(name);
  if (upper !== null) {
    const method = methodOf(upper[1]!);
    if (allowed.has(method)) return undefined;
    const hint = nearest(name, allowed);
    return (
      `answers no request: ${method} is not an HTTP method tsgi knows` +
      (hint.length > 0 ? `; did you mean ${hint.join(' or ')}?` : '') +
      ` (an extension method is listed in the class's static extensionMethods, e.g. ['${method}'])`
    );
  }
  const mixed = MIXED.exec(name);
  if (mixed === null) return undefined;
  const spelled = mixed[1]!.toUpperCase();
  if (!CORE_METHODS.has(methodOf(spelled))) return undefined;
  return `answers no request: request methods are upper case after "do"; did you mean do${spelled}?`;
}

const MAX_EDITS = 2;

/** The dispatch names nearest to `name`, within two edits (at most three of them). */
function nearest(name: string, allowed: ReadonlySet<string>): string[] {
  let best = MAX_EDITS + 1;
  let found: string[] = [];
  for (const method of allowed) {
    for (const candidate of [`do${method}`, `do${method}ALL`]) {
      const distance = editDistance(name, candidate, best + 1);
      if (distance < best) [best, found] = [distance, [candidate]];
      else if (distance === best && best <= MAX_EDITS && found.length < 3) found.push(candidate);
    }
  }
  return found;
}

/** Levenshtein distance, or `limit` once it is certain to reach it. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowBest = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowBest = Math.min(rowBest, value);
    }
    if (rowBest >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length]!, limit);
}
