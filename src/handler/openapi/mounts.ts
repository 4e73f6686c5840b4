/**
 * From mounts to path templates: each handler class with its full prefix,
 * and the paths it answers, as the dispatch decides them.
 *
 * @module
 */
import { BaseHandler } from '../base-handler.js';
import type { PathDispatch } from '../dispatch.js';
import type { ClassPlan } from '../plan.js';
import type { RoutePattern } from '../route-pattern.js';
import type { HandlerMounts } from './document.js';
import type { PathName } from './parameters.js';

const REST_NOTE = 'The rest of the path; it may hold slashes, sent as %2F.';

/** Each handler class with its full prefix (`''` for the root), in written order. */
export function flatten(mounts: HandlerMounts, above: string): Array<[string, Function]> {
  if (typeof mounts !== 'object' || mounts === null) throw new TypeError(`openapiDocument: the mounts${above === '' ? '' : ` under ${JSON.stringify(above)}`} must be an object of prefix → handler class`);
  const out: Array<[string, Function]> = [];
  for (const [key, value] of Object.entries(mounts)) {
    const prefix = above + normalisePrefix(key);
    if (typeof value === 'function' && value.prototype instanceof BaseHandler) out.push([prefix, value]);
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) out.push(...flatten(value, prefix));
    else {
      const what = typeof value === 'function' ? `the function ${value.name || '(anonymous)'}, not a BaseHandler subclass` : describe(value);
      throw new TypeError(
        `openapiDocument: the mount ${JSON.stringify(prefix || '/')} is ${what}; mount the handler class itself (a class extending BaseHandler), ` +
          'not an app made from it or wrapped in middleware, or an object of further mounts',
      );
    }
  }
  return out;
}

function normalisePrefix(prefix: string): string {
  if (prefix === '' || prefix === '/') return '';
  if (!prefix.startsWith('/') || prefix.includes('//')) throw new TypeError(`openapiDocument: mount prefix ${JSON.stringify(prefix)} must start with one "/" and hold no empty segment`);
  return prefix.replace(/\/+$/, '');
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : `a ${typeof value}`;
}

/** A path template with its parameters, and the dispatch that answers it. */
export interface PathKind {
  readonly path: string;
  readonly names: readonly PathName[];
  readonly dispatch: PathDispatch;
  readonly collection: boolean;
  /** The item paths' dispatch, when the same methods may answer there too. */
  readonly items: PathDispatch | undefined;
}

/** The collection root and, where the class has them, its item paths. */
export function pathKinds(prefix: string, plan: ClassPlan): PathKind[] {
  const root = prefix === '' ? '/' : prefix;
  const { table, route } = plan;
  if (route === undefined) {
    // Without a pattern every other path is an item; a class that tells its
    // collection from its items (by doXALL methods) gets one template for them.
    const items = table.rootOnly.methods.size > 0;
    const kinds: PathKind[] = [{ path: root, names: [], dispatch: table.root, collection: true, items: items ? table.item : undefined }];
    if (items) kinds.push({ path: `${prefix}/{path}`, names: [{ name: 'path', note: REST_NOTE }], dispatch: table.item, collection: false, items: undefined });
    return kinds;
  }
  if (route.matchesRoot) return [{ path: root, names: [], dispatch: table.root, collection: true, items: undefined }];
  return [
    { path: root, names: [], dispatch: table.rootOnly, collection: true, items: undefined },
    { path: prefix + template(route), names: pathNames(route), dispatch: table.item, collection: false, items: undefined },
  ];
}

/** `/:year/*rest` → `/{year}/{rest}`. */
function template(route: RoutePattern): string {
  return route.source.replace(/(^|\/)[:*]([A-Za-z_$][\w$]*)/g, '$1{$2}');
}

function pathNames(route: RoutePattern): PathName[] {
  return route.names.map((name) => (route.source.includes(`*${name}`) ? { name, note: REST_NOTE } : { name }));
}
