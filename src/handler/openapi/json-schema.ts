/**
 * JSON Schema from the app's schemas, through the Standard JSON Schema
 * interface each library implements for itself, made fit to embed in one
 * OpenAPI document: `$schema` dropped, and the definitions a library puts
 * in `$defs` moved to `components.schemas`, where one named schema used by
 * many operations is written once.
 *
 * @module
 */
import type { JsonSchema } from './types.js';

/** Which side of a schema: what it accepts (requests) or what it gives (responses). */
export type SchemaSide = 'input' | 'output';

interface JsonSchemaProps {
  readonly vendor?: unknown;
  readonly jsonSchema?: { readonly input?: unknown; readonly output?: unknown };
}

const COMPONENT_NAME = /[^A-Za-z0-9._-]/g;
const DEFS_REF = /^#\/(?:\$defs|definitions)\/([^/]+)(\/.*)?$/;

/**
 * The schemas of one document: each embedded schema's definitions, named
 * once. A name two different definitions want is given to the first, and
 * the next gets `Name2`, `Name3`…, with its references rewritten.
 */
export class SchemaRegistry {
  private readonly named = new Map<string, JsonSchema>();
  private readonly texts = new Map<string, string>();
  /** Names given out by `freeName`, so two schemas converted together cannot both take one. */
  private readonly held = new Set<string>();

  /** Adds a schema of the generator's own under a fixed name. */
  reserve(name: string, schema: JsonSchema): void {
    this.named.set(name, schema);
    this.texts.set(name, canonical(schema));
  }

  /** `schema`, or the component it is a bare reference to. */
  resolve(schema: JsonSchema): JsonSchema {
    const ref = schema.$ref;
    const prefix = '#/components/schemas/';
    if (typeof ref !== 'string' || !ref.startsWith(prefix) || Object.keys(schema).length !== 1) return schema;
    return this.named.get(ref.slice(prefix.length)) ?? schema;
  }

  /** The named schemas, sorted by name. */
  components(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.named].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /**
   * The JSON Schema of `schema`'s input or output side, ready to embed.
   * `place` names the schema in messages, e.g. `Tasks.doPOSTALL's body`.
   *
   * @throws TypeError naming the fix when the schema has no Standard JSON
   *   Schema converter, or when its library cannot write it as JSON Schema.
   */
  convert(schema: unknown, side: SchemaSide, place: string): JsonSchema {
    const props = (schema as { '~standard'?: JsonSchemaProps } | null)?.['~standard'];
    const vendor = typeof props?.vendor === 'string' ? props.vendor : 'unknown';
    const converter = props?.jsonSchema?.[side];
    if (typeof converter !== 'function') throw new TypeError(`${place}: ${missingConverter(vendor)}`);
    let raw: unknown;
    try {
      raw = (converter as (options: { target: string }) => unknown).call(props!.jsonSchema, { target: 'draft-2020-12' });
    } catch (error) {
      throw new TypeError(`${place}: the ${vendor} schema cannot be written as JSON Schema (${error instanceof Error ? error.message : String(error)}); describe that value with a schema JSON can carry`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new TypeError(`${place}: the ${vendor} schema's jsonSchema.${side}() gave ${raw === null ? 'null' : typeof raw}, not a JSON Schema object`);
    }
    return this.embed(structuredClone(raw) as Record<string, unknown>, place);
  }

  private embed(root: Record<string, unknown>, place: string): JsonSchema {
    delete root.$schema;
    const defs = { ...asRecord(root.$defs), ...asRecord(root.definitions) };
    delete root.$defs;
    delete root.definitions;
    // A reference to the whole schema (a recursive one without a name) has
    // to point at a component, since `#` would be the document itself.
    const selfName = mentionsRef(root, '#') ? this.freeName(place.replace(/'s /g, '_')) : undefined;
    // Each definition keeps the library's name when it is free or already
    // holds the same schema (one named schema used by several operations),
    // else takes the first of Name2, Name3… that is. Names depend on each
    // other through references, so the choice is repeated until it settles.
    let renames = new Map(Object.keys(defs).map((name) => [name, sanitise(name)]));
    let rewritten = rewriteAll(defs, renames, selfName);
    for (let round = 0; round < 8; round++) {
      const chosen = new Map<string, string>();
      const taken = new Set<string>();
      for (const [name, schema] of rewritten) {
        const wanted = this.nameFor(sanitise(name), canonical(schema), taken);
        chosen.set(name, wanted);
        taken.add(wanted);
      }
      const settled = [...chosen].every(([name, wanted]) => renames.get(name) === wanted);
      renames = chosen;
      rewritten = rewriteAll(defs, renames, selfName);
      if (settled) break;
    }
    for (const [name, schema] of rewritten) this.reserve(renames.get(name)!, schema);
    const embedded = rewriteRefs(root, renames, selfName) as JsonSchema;
    if (selfName === undefined) return embedded;
    this.reserve(selfName, embedded);
    return { $ref: `#/components/schemas/${selfName}` };
  }

  /** `wanted`, or the first of `wanted2`, `wanted3`… that is free or holds `text` already. */
  private nameFor(wanted: string, text: string, taken: ReadonlySet<string>): string {
    for (let n = 1; ; n++) {
      const name = n === 1 ? wanted : `${wanted}${n}`;
      if (taken.has(name) || this.held.has(name)) continue;
      const existing = this.texts.get(name);
      if (existing === undefined || existing === text) return name;
    }
  }

  /** A name not yet taken: `wanted`, else `wanted2`, `wanted3`… */
  private freeName(wanted: string): string {
    const clean = sanitise(wanted);
    let name = clean;
    for (let n = 2; this.named.has(name) || this.held.has(name); n++) name = `${clean}${n}`;
    this.held.add(name);
    return name;
  }
}

function rewriteAll(defs: Record<string, unknown>, renames: ReadonlyMap<string, string>, selfName: string | undefined): Map<string, JsonSchema> {
  const out = new Map<string, JsonSchema>();
  for (const [name, def] of Object.entries(defs)) {
    const schema = rewriteRefs(def, renames, selfName) as Record<string, unknown>;
    delete schema.$schema;
    out.set(name, schema);
  }
  return out;
}

function sanitise(name: string): string {
  return name.replace(COMPONENT_NAME, '_') || 'Schema';
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function mentionsRef(value: unknown, ref: string): boolean {
  if (Array.isArray(value)) return value.some((item) => mentionsRef(item, ref));
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([key, item]) => (key === '$ref' ? item === ref : mentionsRef(item, ref)));
}

function rewriteRefs(value: unknown, renames: ReadonlyMap<string, string>, selfName: string | undefined): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, renames, selfName));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === '$ref' && typeof item === 'string') out[key] = rewriteRef(item, renames, selfName);
    else out[key] = rewriteRefs(item, renames, selfName);
  }
  return out;
}

function rewriteRef(ref: string, renames: ReadonlyMap<string, string>, selfName: string | undefined): string {
  if (ref === '#' && selfName !== undefined) return `#/components/schemas/${selfName}`;
  const match = DEFS_REF.exec(ref);
  if (match === null) return ref;
  const name = decodePointer(match[1]!);
  const target = renames.get(name);
  return target === undefined ? ref : `#/components/schemas/${target}${match[2] ?? ''}`;
}

function decodePointer(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
}

/** JSON with sorted keys, so equal schemas compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'object' && item !== null && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : item,
  );
}

function missingConverter(vendor: string): string {
  const fix =
    vendor === 'valibot'
      ? "wrap it with toStandardJsonSchema(schema) from @valibot/to-json-schema (import { toStandardJsonSchema } from '@valibot/to-json-schema')"
      : vendor === 'zod'
        ? "use zod 4 (import { z } from 'zod'), whose schemas carry their JSON Schema"
        : "give it a '~standard'.jsonSchema converter (Standard JSON Schema, https://standardschema.dev), e.g. with the library's own JSON Schema converter";
  return `the ${vendor} schema has no JSON Schema (its '~standard' has no jsonSchema converter, part of Standard JSON Schema); ${fix}`;
}
