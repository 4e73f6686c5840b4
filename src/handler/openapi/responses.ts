/**
 * The responses of one operation: its own (the `@status`, `@contentType`
 * and `@responseHeader` of the method, bodies from `@operation`), and the
 * problem details errors the handler layer answers with, shared as
 * components.
 *
 * @module
 */
import { reasonPhrase } from '../../gateway/status.js';
import type { MethodPlan } from '../plan.js';
import type { SchemaRegistry } from './json-schema.js';
import type { OperationDoc, ResponseDoc, DescribedSchema } from './operation.js';
import type { JsonSchema, OpenApiHeader, OpenApiReference, OpenApiResponse } from './types.js';

const PROBLEM_TYPE = 'application/problem+json';
const PROBLEM_REF = { $ref: '#/components/schemas/ProblemDetails' };

/** The problem details body of every error (RFC 9457, as `HttpError.toProblem()` writes it). */
export const PROBLEM_DETAILS: JsonSchema = {
  type: 'object',
  description: 'An RFC 9457 problem details object; an error may add members of its own.',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', description: 'A URI naming the problem type; about:blank means just the status.' },
    title: { type: 'string', description: 'A short summary of the problem type.' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string', description: 'What went wrong with this request.' },
  },
  additionalProperties: true,
};

/** One entry of a 422's `issues`. */
export const VALIDATION_ISSUE: JsonSchema = {
  type: 'object',
  required: ['in', 'path', 'message'],
  properties: {
    in: { type: 'string', enum: ['body', 'query', 'path', 'header', 'cookie', 'field'] },
    name: { type: 'string', description: 'The parameter, header, cookie or field; absent for the body.' },
    path: { type: 'string', description: "A JSON Pointer to the refused part of the value; '' for the value itself." },
    message: { type: 'string', description: "The schema's message." },
  },
  additionalProperties: true,
};

/** The problem details of one status, with the members that status adds. */
function problemOf(status: number, members: Readonly<Record<string, JsonSchema>> = {}, required: readonly string[] = []): JsonSchema {
  const own: JsonSchema = { type: 'object', ...(required.length === 0 ? {} : { required }), properties: { status: { const: status }, ...members } };
  return { allOf: [PROBLEM_REF, own] };
}

/** The shared error responses, by status, with their component names. */
const ERRORS = {
  400: {
    name: 'BadRequest',
    description: 'A parameter or the body is missing or malformed.',
    schema: problemOf(400, {
      parameter: { type: 'object', description: 'The parameter that is missing or could not be converted.', required: ['in', 'name'], properties: { in: { type: 'string' }, name: { type: 'string' } } },
    }),
  },
  404: { name: 'NotFound', description: 'Nothing is at this path.', schema: problemOf(404) },
  413: { name: 'ContentTooLarge', description: "The body is over the method's limit.", schema: problemOf(413) },
  415: { name: 'UnsupportedMediaType', description: "The body's media type is not accepted here.", schema: problemOf(415) },
  422: {
    name: 'UnprocessableContent',
    description: 'A value failed its schema; `issues` lists each.',
    schema: problemOf(422, { issues: { type: 'array', items: { $ref: '#/components/schemas/ValidationIssue' } } }, ['issues']),
  },
} as const;

/** A status the handler layer answers with on its own. */
export type ErrorStatus = keyof typeof ERRORS;

/** The error responses in use, for `components.responses`. */
export function errorComponents(used: ReadonlySet<ErrorStatus>): Record<string, OpenApiResponse> {
  const out: Record<string, OpenApiResponse> = {};
  for (const status of [...used].sort()) {
    const error = ERRORS[status];
    out[error.name] = { description: error.description, content: { [PROBLEM_TYPE]: { schema: error.schema } } };
  }
  return out;
}

/** What decides an operation's responses. */
export interface ResponseFacts {
  readonly httpMethod: string;
  readonly plan: MethodPlan | null;
  readonly doc: OperationDoc | undefined;
  /** The errors the handler layer may answer this operation with. */
  readonly errors: readonly ErrorStatus[];
  readonly place: string;
}

/** The Responses Object of one operation. */
export function describeResponses(facts: ResponseFacts, registry: SchemaRegistry): Record<string, OpenApiResponse | OpenApiReference> {
  const { plan, doc, place } = facts;
  const own = plan?.status === undefined ? 200 : Number(plan.status.slice(0, 3));
  const entries = new Map<number, OpenApiResponse | OpenApiReference>();
  const given = new Map(Object.entries(doc?.responses ?? {}).map(([code, value]) => [Number(code), responseDoc(value)]));
  const contentType = mediaType(plan?.contentType ?? 'text/html');
  entries.set(own, response(own, given.get(own), contentType, facts.httpMethod, registry, place, ownHeaders(plan)));
  for (const status of facts.errors) entries.set(status, { $ref: `#/components/responses/${ERRORS[status].name}` });
  for (const [status, value] of given) {
    if (status !== own) entries.set(status, response(status, value, status >= 400 ? PROBLEM_TYPE : contentType, facts.httpMethod, registry, place, undefined));
  }
  return Object.fromEntries([...entries].sort(([a], [b]) => a - b).map(([status, value]) => [String(status), value]));
}

function responseDoc(value: DescribedSchema | ResponseDoc | string): ResponseDoc {
  if (typeof value === 'string') return { description: value };
  return '~standard' in value ? { schema: value } : value;
}

function response(status: number, given: ResponseDoc | undefined, contentType: string, httpMethod: string, registry: SchemaRegistry, place: string, headers: Record<string, OpenApiHeader> | undefined): OpenApiResponse {
  const description = given?.description ?? reasonPhrase(status) ?? `Status ${status}`;
  const withHeaders = headers === undefined || Object.keys(headers).length === 0 ? {} : { headers };
  // Nothing follows these statuses, and a HEAD answer has no body.
  if (status === 204 || status === 205 || status === 304 || httpMethod === 'HEAD') return { description, ...withHeaders };
  const type = mediaType(given?.contentType ?? contentType);
  let schema: JsonSchema;
  if (given?.schema !== undefined) schema = registry.convert(given.schema, 'output', `${place}'s ${status} response`);
  else if (type === PROBLEM_TYPE) schema = problemOf(status);
  else schema = type.startsWith('text/') ? { type: 'string' } : {};
  return { description, ...withHeaders, content: { [type]: { schema } } };
}

/** The `@responseHeader`s of the method, each with its fixed value. */
function ownHeaders(plan: MethodPlan | null): Record<string, OpenApiHeader> {
  const headers: Record<string, OpenApiHeader> = {};
  for (const [name, value] of plan?.headers ?? []) {
    // OpenAPI describes the Content-Type by the content's key, not as a header.
    if (name.toLowerCase() !== 'content-type') headers[name] = { schema: { type: 'string', const: value } };
  }
  return headers;
}

/** The media type without parameters, lower case: `text/html; charset=utf-8` → `text/html`. */
function mediaType(value: string): string {
  return value.split(';', 1)[0]!.trim().toLowerCase();
}
