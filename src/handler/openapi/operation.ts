/**
 * `@operation`: what a `doX` method's OpenAPI operation says beyond what
 * the other decorators already tell: its summary, description, tags, id,
 * and the bodies of its responses. It changes nothing about how requests
 * are answered.
 *
 * @module
 */
import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec';
import type { HandlerMethodDecorator } from '../decorators/forms.js';

/**
 * A schema `@operation` describes a value by: any Standard Schema whose
 * `~standard` carries `jsonSchema` (zod 4, arktype 2, or a valibot schema
 * wrapped with `toStandardJsonSchema`). The generator converts it; it runs
 * it only to learn whether a request body may be absent.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * const task: DescribedSchema = z.object({ id: z.number(), title: z.string() });
 * ```
 *
 * @category OpenAPI
 */
export type DescribedSchema = StandardSchemaV1 | StandardJSONSchemaV1;

/**
 * One response of an operation: what it means, its body's schema and media
 * type. A status of 400 or more without a schema is described as a problem
 * details body.
 *
 * @example
 * ```ts
 * const conflict: ResponseDoc = { description: 'The title is taken' };
 * ```
 *
 * @category OpenAPI
 */
export interface ResponseDoc {
  /** Default: the status's reason phrase. */
  readonly description?: string;
  /** The body's schema (its output side). */
  readonly schema?: DescribedSchema;
  /** Default: the method's `@contentType`, else `text/html`; `application/problem+json` for an error. */
  readonly contentType?: string;
}

/**
 * What `@operation` records.
 *
 * @example
 * ```ts
 * const doc: OperationDoc = { summary: 'Add a task', tags: ['tasks'], responses: { 201: { schema: Task }, 409: 'The title is taken' } };
 * ```
 *
 * @category OpenAPI
 */
export interface OperationDoc {
  /** One line; default `Class.doMETHOD`. */
  readonly summary?: string;
  /** CommonMark. */
  readonly description?: string;
  /** Default: the class's name. */
  readonly tags?: readonly string[];
  /** Default: `Class_doMETHOD` (or what the generator's `operationId` option gives). */
  readonly operationId?: string;
  /** Marks the operation as one clients should stop using. */
  readonly deprecated?: boolean;
  /**
   * The body the method validates itself (`this.validBody(schema)`), shown
   * under each `@accepts` type, else as `application/json`.
   */
  readonly body?: DescribedSchema;
  /** The form fields it validates itself (`this.validFields(schema)`): an object schema, shown as urlencoded and multipart bodies. */
  readonly fields?: DescribedSchema;
  /** The query the method validates itself (`this.validQuery(schema)`): an object schema, one parameter per property. */
  readonly query?: DescribedSchema;
  /** The path parameters it validates itself (`this.validParams(schema)`), as for `query`. */
  readonly params?: DescribedSchema;
  /** The headers it validates itself (`this.validHeaders(schema)`), as for `query`. */
  readonly headers?: DescribedSchema;
  /** The cookies it validates itself (`this.validCookies(schema)`), as for `query`. */
  readonly cookies?: DescribedSchema;
  /**
   * Responses by status code: a schema, a description, or both. The
   * method's own status (`@status`, default 200) takes its entry's schema.
   */
  readonly responses?: Readonly<Record<number, DescribedSchema | ResponseDoc | string>>;
}

// Keyed as tsgi's own decorators key theirs (see decorators/forms.ts): the
// prototype and name for a legacy decorator, the method's function for a
// standard one, which has no class yet when it runs.
const legacyDocs = new WeakMap<object, Map<string | symbol, OperationDoc>>();
const functionDocs = new WeakMap<Function, OperationDoc>();

const OPERATION_ID = /^[A-Za-z0-9._~-]+$/;

/**
 * Describes a `doX` method's operation in the document that
 * {@link openapiDocument} builds. Works as a legacy and as a standard
 * decorator; it has no effect on requests.
 *
 * @throws TypeError for an empty or not URL-safe `operationId`, and
 *   RangeError for a response key that is not a status code (100–599).
 * @example
 * ```ts
 * import { z } from 'zod';
 * const Task = z.object({ id: z.number(), title: z.string() });
 *
 * @route('/:id')
 * class Tasks extends BaseHandler {
 *   @operation({ summary: 'One task', responses: { 200: Task, 404: 'No task has that id' } })
 *   @contentType('application/json')
 *   doGET(@param('id') id: number) { return JSON.stringify({ id, title: 'write docs' }); }
 * }
 * ```
 *
 * @category OpenAPI
 */
export function operation(doc: OperationDoc): HandlerMethodDecorator {
  checkDoc(doc);
  return (first: object | Function, second: unknown): void => {
    if (isContext(second)) {
      if (second.kind !== 'method') throw new TypeError(`@operation decorates doX methods, not a ${second.kind}`);
      const context = second as ClassMethodDecoratorContext;
      if (context.static || context.private) {
        throw new TypeError(`@operation decorates doX instance methods, not the ${context.static ? 'static' : 'private'} ${String(context.name)}`);
      }
      functionDocs.set(first as Function, doc);
      return;
    }
    if (second === undefined) throw new TypeError('@operation decorates doX methods, not classes');
    if (typeof first === 'function') throw new TypeError(`@operation decorates doX instance methods, not the static ${String(second)}`);
    let byKey = legacyDocs.get(first);
    if (byKey === undefined) legacyDocs.set(first, (byKey = new Map()));
    byKey.set(second as string | symbol, doc);
  };
}

function isContext(value: unknown): value is DecoratorContext {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

function checkDoc(doc: OperationDoc): void {
  if (typeof doc !== 'object' || doc === null) throw new TypeError('@operation takes an object: { summary, description, tags, operationId, body, query, responses, … }');
  if (doc.operationId !== undefined && !OPERATION_ID.test(doc.operationId)) {
    throw new TypeError(`@operation operationId ${JSON.stringify(doc.operationId)} must be non-empty and URL-safe (letters, digits, . _ ~ -)`);
  }
  for (const key of Object.keys(doc.responses ?? {})) {
    if (!/^[1-5]\d\d$/.test(key)) throw new RangeError(`@operation responses: ${JSON.stringify(key)} is not a status code (100–599)`);
  }
}

/** What `@operation` recorded on exactly `prototype`'s `name`, if anything. */
export function findOperationDoc(prototype: object, name: string): OperationDoc | undefined {
  const legacy = legacyDocs.get(prototype)?.get(name);
  if (legacy !== undefined) return legacy;
  const value: unknown = Object.getOwnPropertyDescriptor(prototype, name)?.value;
  return typeof value === 'function' ? functionDocs.get(value) : undefined;
}
