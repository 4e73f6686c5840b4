/**
 * Inputs a method validates itself, with the request helpers
 * (`this.validBody(schema)`, `this.validQuery(schema)`, …), which no
 * decorator shows: `@operation` names the same schemas, and they join the
 * parameters and body the decorators describe.
 *
 * @module
 */
import type { MethodPlan } from '../plan.js';
import type { StandardSchemaV1 } from '../schema.js';
import type { SchemaRegistry } from './json-schema.js';
import type { OperationDoc } from './operation.js';
import type { DescribedInputs } from './parameters.js';
import { acceptsMissing } from './parameters.js';
import type { JsonSchema, OpenApiParameter } from './types.js';

const FORM_TYPES: readonly string[] = ['application/x-www-form-urlencoded', 'multipart/form-data'];
const RECORDS = [
  ['params', 'path', 'path parameters'],
  ['query', 'query', 'query'],
  ['headers', 'header', 'headers'],
  ['cookies', 'cookie', 'cookies'],
] as const;

/**
 * The decorators' inputs with `@operation`'s `params`, `query`, `headers`,
 * `cookies`, `fields` and `body` added: an object schema's properties become
 * parameters (a decorator's own parameter of the same name wins), and the
 * body schema fills each media type the method accepts.
 *
 * @throws TypeError when a record schema does not describe an object with properties.
 */
export function withDeclaredInputs(inputs: DescribedInputs, doc: OperationDoc | undefined, plan: MethodPlan | null, registry: SchemaRegistry, place: string): DescribedInputs {
  if (doc === undefined) return inputs;
  const parameters = [...inputs.parameters];
  let validated = inputs.validated;
  for (const [key, location, what] of RECORDS) {
    const schema = doc[key];
    if (schema === undefined) continue;
    validated = true;
    const object = registry.resolve(registry.convert(schema, 'input', `${place}'s ${what}`));
    const properties = object.properties;
    if (object.type !== 'object' || typeof properties !== 'object' || properties === null) {
      throw new TypeError(`${place}: @operation's ${key} schema must describe an object whose properties are the ${what}, e.g. z.object({ page: z.coerce.number() })`);
    }
    const required = new Set(Array.isArray(object.required) ? (object.required as string[]) : []);
    for (const [name, property] of Object.entries(properties as Record<string, JsonSchema>)) {
      const existing = parameters.findIndex((parameter) => parameter.in === location && sameName(location, parameter.name, name));
      const parameter: OpenApiParameter = { name, in: location, required: location === 'path' || required.has(name), schema: property };
      // An unbound path parameter is only a placeholder string; a decorated one stays.
      if (existing === -1) parameters.push(parameter);
      else if (location === 'path' && isPlaceholder(parameters[existing]!)) parameters[existing] = { ...parameters[existing]!, schema: property };
    }
  }
  let requestBody = inputs.requestBody;
  for (const [key, fallback] of [['body', ['application/json']], ['fields', FORM_TYPES]] as const) {
    const given = doc[key];
    if (given === undefined) continue;
    validated = true;
    const schema = registry.convert(given, 'input', `${place}'s ${key === 'body' ? 'body' : 'form fields'}`);
    const required = isValidator(given) ? !acceptsMissing(given) : true;
    const accepted = plan?.accepts ?? Object.keys(requestBody?.content ?? {});
    const types = key === 'body' ? accepted : accepted.filter((type) => FORM_TYPES.includes(type));
    const content = Object.fromEntries((types.length === 0 ? fallback : types).map((type) => [type, { schema }]));
    requestBody = { required: required || requestBody?.required === true, content: { ...requestBody?.content, ...content } };
  }
  return { ...inputs, parameters, requestBody, validated };
}

/** Header names are compared without case, as the request helpers read them. */
function sameName(location: string, a: string, b: string): boolean {
  return location === 'header' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function isPlaceholder(parameter: OpenApiParameter): boolean {
  return parameter.schema.type === 'string' && Object.keys(parameter.schema).length === 1;
}

function isValidator(schema: unknown): schema is StandardSchemaV1 {
  return typeof (schema as { '~standard'?: { validate?: unknown } })['~standard']?.validate === 'function';
}
