/**
 * Running Standard Schemas over request values: every schema of a call is
 * run, sync ones without an await, and all their issues are answered
 * together as one 422; a schema that throws is the server's fault, a 500
 * logged with the library and the place.
 *
 * @module
 */
import { HttpError } from '../gateway/http-error.js';
import { isThenable } from '../gateway/thenable.js';
import type { ErrorStream } from '../gateway/types.js';
import type { StandardSchemaV1 } from './schema.js';

/**
 * Where a value that failed validation came from, named as OpenAPI names
 * parameter locations, plus `body` and `field` (a form field).
 *
 * @example
 * ```ts
 * const where: ValidationSource = 'query';
 * ```
 *
 * @category Validation
 */
export type ValidationSource = 'body' | 'query' | 'path' | 'header' | 'cookie' | 'field';

/**
 * One problem a schema found, as listed in the `issues` member of a 422
 * problem details body.
 *
 * @example
 * ```ts
 * // POST /tasks with {"items":[{"title":""}]} and ?page=zero
 * const issues: ValidationIssue[] = [
 *   { in: 'body', path: '/items/0/title', message: 'Too small: expected string to have >=1 characters' },
 *   { in: 'query', name: 'page', path: '', message: 'Invalid input: expected number, received NaN' },
 * ];
 * ```
 *
 * @category Validation
 */
export interface ValidationIssue {
  /** Where the value came from. */
  readonly in: ValidationSource;
  /**
   * The parameter, header, cookie or field name; absent for the body, and
   * for an issue about a whole query, header, cookie or form record.
   */
  readonly name?: string;
  /** A JSON Pointer (RFC 6901) to the offending part of the value; `''` for the value itself. */
  readonly path: string;
  /** The schema's message. */
  readonly message: string;
}

/** What one schema is to check, and where its output goes. */
export interface SchemaCheck {
  readonly schema: StandardSchemaV1;
  readonly value: unknown;
  readonly in: ValidationSource;
  /** The named value it validates; `undefined` for a whole record, whose first path key is then the name. */
  readonly name: string | undefined;
  /** For the log when the schema throws, e.g. `Tasks.doPOSTALL's body`. */
  readonly place: string;
  /** Receives the output. */
  readonly index: number;
}

type Outcome =
  | { readonly value: unknown; readonly issues: undefined; readonly failure?: undefined }
  | { readonly value: undefined; readonly issues: ValidationIssue[]; readonly failure?: undefined }
  | { readonly value: undefined; readonly issues: undefined; readonly failure: HttpError };

/**
 * Runs every check, writing each output to `outputs[check.index]`. Returns
 * nothing when every schema answered at once, else a promise; either way a
 * failure is one 422 listing every issue, in the order of the checks, or the
 * 500 of a schema that threw.
 */
export function runChecks(checks: readonly SchemaCheck[], outputs: unknown[], errors: ErrorStream): void | Promise<void> {
  const outcomes: Array<Outcome | PromiseLike<Outcome>> = checks.map((check) => start(check, errors));
  const finish = (settled: readonly Outcome[]): void => {
    const issues: ValidationIssue[] = [];
    for (const [position, outcome] of settled.entries()) {
      if (outcome.failure !== undefined) throw outcome.failure;
      if (outcome.issues === undefined) outputs[checks[position]!.index] = outcome.value;
      else issues.push(...outcome.issues);
    }
    if (issues.length > 0) throw unprocessable(issues);
  };
  if (!outcomes.some(isThenable)) return finish(outcomes as Outcome[]);
  return Promise.all(outcomes).then(finish);
}

/** The output of one schema over one whole value, or the 422 of its issues. */
export async function validateOne<S extends StandardSchemaV1>(
  check: Omit<SchemaCheck, 'index' | 'schema'> & { readonly schema: S },
  errors: ErrorStream,
): Promise<StandardSchemaV1.InferOutput<S>> {
  const outputs: unknown[] = [undefined];
  const pending = runChecks([{ ...check, index: 0 }], outputs, errors);
  if (pending !== undefined) await pending;
  return outputs[0] as StandardSchemaV1.InferOutput<S>;
}

/** The only value, every value when there are several, or `undefined`. */
export function oneOrAll<T>(values: readonly T[] | undefined): T | T[] | undefined {
  if (values === undefined || values.length === 0) return undefined;
  return values.length === 1 ? values[0] : [...values];
}

/**
 * A record of string lists as a schema sees it: a plain object holding each
 * name's only value, or all of them when it repeats.
 */
export function singleOrList(record: Readonly<Record<string, readonly string[] | undefined>>): Record<string, string | string[]> {
  const entries: Array<[string, string | string[]]> = [];
  for (const [name, values] of Object.entries(record)) {
    const value = oneOrAll(values);
    if (value !== undefined) entries.push([name, value]);
  }
  // fromEntries defines own properties, so a `__proto__` name stays data.
  return Object.fromEntries(entries);
}

// Never throws nor rejects: a schema that does becomes a failure outcome, so
// every other schema of the call still settles and none is left unhandled.
function start(check: SchemaCheck, errors: ErrorStream): Outcome | PromiseLike<Outcome> {
  let result: StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>;
  try {
    result = check.schema['~standard'].validate(check.value);
  } catch (error) {
    return schemaFailure(check, error, errors);
  }
  if (!isThenable(result)) return outcome(check, result, errors);
  return Promise.resolve(result).then(
    (settled) => outcome(check, settled, errors),
    (error: unknown) => schemaFailure(check, error, errors),
  );
}

function outcome(check: SchemaCheck, result: StandardSchemaV1.Result<unknown>, errors: ErrorStream): Outcome {
  if (typeof result !== 'object' || result === null) {
    return schemaFailure(check, new TypeError(`validate() returned ${result === null ? 'null' : typeof result}, not a Standard Schema result`), errors);
  }
  if (result.issues == null) return { value: result.value, issues: undefined };
  const issues = result.issues.map((issue) => located(check, issue));
  // A failure must say something, even from a schema that lists nothing.
  if (issues.length === 0) issues.push(located(check, { message: 'Invalid value' }));
  return { value: undefined, issues };
}

function located(check: SchemaCheck, issue: StandardSchemaV1.Issue): ValidationIssue {
  // A plain loop: a library's path may be an Array subclass whose map() builds another of its kind.
  const keys: string[] = [];
  for (const segment of issue.path ?? []) keys.push(keyText(typeof segment === 'object' && segment !== null ? segment.key : segment));
  const message = typeof issue.message === 'string' ? issue.message : String(issue.message);
  if (check.name !== undefined) return { in: check.in, name: check.name, path: pointer(keys), message };
  if (check.in === 'body' || keys.length === 0) return { in: check.in, path: pointer(keys), message };
  return { in: check.in, name: keys[0]!, path: pointer(keys.slice(1)), message };
}

function keyText(key: PropertyKey): string {
  return typeof key === 'symbol' ? (key.description ?? '') : String(key);
}

/** RFC 6901: `~` is written `~0` and `/` is written `~1`. */
function pointer(keys: readonly string[]): string {
  let text = '';
  for (const key of keys) text += `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return text;
}

const LABELS: Readonly<Record<ValidationSource, string>> = {
  body: 'request body',
  query: 'query parameter',
  path: 'path parameter',
  header: 'header',
  cookie: 'cookie',
  field: 'form field',
};
const SHOWN_ISSUES = 3;

function unprocessable(issues: readonly ValidationIssue[]): HttpError {
  const shown = issues.slice(0, SHOWN_ISSUES).map(describe);
  if (issues.length > SHOWN_ISSUES) shown.push(`and ${issues.length - SHOWN_ISSUES} more`);
  const count = issues.length === 1 ? '1 invalid value' : `${issues.length} invalid values`;
  return new HttpError(422, `${count}: ${shown.join('; ')}`, { extensions: { issues } });
}

function describe(issue: ValidationIssue): string {
  const whose = issue.name === undefined ? (issue.in === 'body' ? LABELS.body : issue.in) : `${LABELS[issue.in]} ${JSON.stringify(issue.name)}`;
  const at = issue.path === '' ? '' : ` at ${issue.path}`;
  const message = issue.message.length > 120 ? `${issue.message.slice(0, 120)}…` : issue.message;
  return `${whose}${at}: ${message}`;
}

/**
 * Logs a schema that threw (or rejected) with its library and place, and
 * gives the outcome of a 500: the fault is the server's, and what the schema
 * said stays in the log.
 */
function schemaFailure(check: SchemaCheck, error: unknown, errors: ErrorStream): Outcome {
  const vendor = check.schema['~standard'].vendor;
  const shown = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  errors.write(`tsgi: the ${vendor} schema of ${check.place} threw: ${shown}\n`);
  return { value: undefined, issues: undefined, failure: new HttpError(500, 'The request could not be validated', { cause: error }) };
}
