/**
 * Path patterns for `@route`: literal segments, `:name` segments and a final
 * `*name` that takes the rest of the path.
 *
 * @module
 */

/**
 * Path parameters: a record that inherits no names (not even
 * `constructor`), so a parameter called `__proto__` is just a key.
 *
 * @example
 * ```ts
 * const params: PathParams = compileRoute('/:name').match('/ada')!; // { name: 'ada' }
 * ```
 *
 * @category Handler
 */
export type PathParams = Record<string, string>;

/**
 * A compiled path pattern.
 *
 * @example
 * ```ts
 * const route: RoutePattern = compileRoute('/:year/:slug');
 * route.match('/2024/hello'); // { year: '2024', slug: 'hello' }
 * route.match('/2024');       // undefined
 * ```
 */
export interface RoutePattern {
  /** The pattern as written. */
  readonly source: string;
  /** The parameter names, in the order written. */
  readonly names: readonly string[];
  /** Whether the collection root (`''` or `'/'`) matches: only the pattern `'/'` does. */
  readonly matchesRoot: boolean;
  /** The parameters of a matching `PATH_INFO`, or `undefined`. */
  match(pathInfo: string): PathParams | undefined;
}

type Segment = { kind: 'literal'; text: string } | { kind: 'param'; name: string } | { kind: 'rest'; name: string };

const NAME = /^[A-Za-z_$][\w$]*$/;

/**
 * The params of one match: an object that inherits no names at all (no
 * `constructor`, no `toString`), as `Object.create(null)` would give, but
 * made by a constructor, so V8 keeps it in fast mode; a null-prototype
 * object lives as a slow dictionary, which was most of a route match's cost.
 */
const ParamBag = function ParamBag(this: PathParams): void {} as unknown as new () => PathParams;
ParamBag.prototype = Object.create(null) as PathParams;

/**
 * Compiles a pattern such as `'/:name'`, `'/:year/:slug'` or `'/files/*path'`.
 * Each `:name` matches one non-empty segment; `*name`, only last, matches
 * one or more segments with their slashes. Literal segments match exactly;
 * a trailing slash in the path must be in the pattern too. Values come from
 * `PATH_INFO`, which the server has already percent-decoded.
 *
 * @throws TypeError for a pattern that does not start with `/`, a bad
 *   parameter name, a repeated name, or `*name` before the end.
 * @example
 * ```ts
 * compileRoute('/files/*path').match('/files/a/b.txt'); // { path: 'a/b.txt' }
 * ```
 */
export function compileRoute(pattern: string): RoutePattern {
  if (!pattern.startsWith('/')) throw new TypeError(`route pattern must start with "/": ${JSON.stringify(pattern)}`);
  const segments: Segment[] = pattern
    .slice(1)
    .split('/')
    .map((part, index, parts): Segment => {
      if (part.startsWith(':') || part.startsWith('*')) {
        const name = part.slice(1);
        if (!NAME.test(name)) throw new TypeError(`route pattern ${JSON.stringify(pattern)}: bad parameter name ${JSON.stringify(part)}`);
        if (part.startsWith('*') && index !== parts.length - 1) {
          throw new TypeError(`route pattern ${JSON.stringify(pattern)}: ${part} must be the last segment`);
        }
        return part.startsWith(':') ? { kind: 'param', name } : { kind: 'rest', name };
      }
      return { kind: 'literal', text: part };
    });
  const names = segments.flatMap((segment) => (segment.kind === 'literal' ? [] : [segment.name]));
  if (new Set(names).size !== names.length) throw new TypeError(`route pattern ${JSON.stringify(pattern)} repeats a parameter name`);
  const match = (pathInfo: string): PathParams | undefined => matchSegments(segments, pathInfo === '' ? '/' : pathInfo);
  return { source: pattern, names: Object.freeze(names), matchesRoot: match('/') !== undefined, match };
}

function matchSegments(segments: readonly Segment[], pathInfo: string): PathParams | undefined {
  if (!pathInfo.startsWith('/')) return undefined;
  const parts = pathInfo.slice(1).split('/');
  const params = new ParamBag();
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (part !== segment.text) return undefined;
    } else if (segment.kind === 'param') {
      if (part === '') return undefined;
      params[segment.name] = part;
    } else {
      const rest = parts.slice(i).join('/');
      if (rest === '' || parts.slice(i).some((p) => p === '')) return undefined;
      params[segment.name] = rest;
      return params;
    }
  }
  return parts.length === segments.length ? params : undefined;
}
