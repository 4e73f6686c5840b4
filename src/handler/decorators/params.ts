/**
 * Parameter decorators: they bind the arguments of a `doX` method to parts
 * of the request, converted to the declared type.
 *
 * @module
 */
import { conversionFor, typeName } from '../coerce.js';
import { declaredParamTypes, methodRecord, SOURCE_LABELS, type ParamOptions, type ParamRecord, type ParamSource, type ParamSpec, type TypeSpec } from '../metadata.js';
import { defaultProblem } from '../plan-checks.js';
import { isStandardSchema, type StandardSchemaV1 } from '../schema.js';

/** Sources whose raw values are strings, and so are converted. */
const STRING_SOURCES: ReadonlySet<ParamSource> = new Set<ParamSource>(['param', 'query', 'field', 'header', 'cookie']);


function isOptions(spec: ParamSpec | undefined): spec is ParamOptions {
  return typeof spec === 'object' && spec !== null && !Array.isArray(spec) && !isStandardSchema(spec);
}

function decorate(source: ParamSource, name: string, spec: ParamSpec | StandardSchemaV1 | undefined): ParameterDecorator {
  if (isStandardSchema(spec)) return decorateWithSchema(source, name, spec);
  const options: ParamOptions = isOptions(spec) ? spec : { type: spec as TypeSpec | undefined };
  const hasDefault = Object.prototype.hasOwnProperty.call(options, 'default');
  return (target: object, key: string | symbol | undefined, index: number): void => {
    if (key === undefined) {
      throw new TypeError(`@${source}(${JSON.stringify(name)}) binds doX method parameters, not constructor parameters`);
    }
    const owner = `${(target as { constructor: Function }).constructor.name}.${String(key)}`;
    if (STRING_SOURCES.has(source)) {
      // Checked here when metadata is present, so a type that strings cannot
      // become fails at import rather than on some later request.
      const declared = declaredParamTypes(target, key)?.[index];
      if (conversionFor(options.type, declared) === undefined) {
        throw new TypeError(
          `${owner}: parameter ${index} (${SOURCE_LABELS[source]} "${name}") is declared as ${typeName(options.type ?? declared)}, ` +
            `which a string cannot be converted to; pass a parse function, e.g. @${source}('${name}', (value) => …)`,
        );
      }
    }
    const record: ParamRecord = {
      index,
      source,
      name,
      type: options.type,
      optional: options.optional === true || hasDefault,
      hasDefault,
      defaultValue: options.default,
      schema: undefined,
    };
    // With an explicit type this is known now (the compiler already refuses
    // it in TypeScript); against a declared type it is checked at planning.
    const problem = options.type === undefined ? undefined : defaultProblem(record, undefined);
    if (problem !== undefined) throw new TypeError(`${owner} ${problem}`);
    methodRecord(target, key).params.push(record);
  };
}

/**
 * A parameter whose value the schema validates: it gets the raw value (the
 * string, every string when a name repeats, the parsed body, or `undefined`
 * when absent), and its output is the argument, so the schema decides
 * presence, defaults and conversion.
 */
function decorateWithSchema(source: ParamSource, name: string, schema: StandardSchemaV1): ParameterDecorator {
  return (target: object, key: string | symbol | undefined, index: number): void => {
    if (key === undefined) {
      throw new TypeError(`@${source}(${JSON.stringify(name)}) binds doX method parameters, not constructor parameters`);
    }
    const record: ParamRecord = { index, source, name, type: undefined, optional: true, hasDefault: false, defaultValue: undefined, schema };
    methodRecord(target, key).params.push(record);
  };
}

/**
 * Binds a path parameter of the class's `@route` pattern.
 *
 * @example
 * ```ts
 * @route('/:id')
 * class Entries extends BaseHandler {
 *   doGET(@param('id') id: number) { return `entry ${id}`; }
 * }
 * ```
 *
 * @category Parameter decorators
 */
export function param<T extends TypeSpec>(name: string, spec?: ParamSpec<T> | StandardSchemaV1): ParameterDecorator {
  return decorate('param', name, spec);
}

/**
 * Binds a query-string value; declare an array type to get every repeat.
 *
 * @example
 * ```ts
 * class Search extends BaseHandler {
 *   doGET(@query('q') q: string, @query('page', { default: 1 }) page: number, @query('tag', [String]) tags: string[]) {
 *     return `${q} ${page} ${tags.join()}`;
 *   }
 * }
 * ```
 *
 * @category Parameter decorators
 */
export function query<T extends TypeSpec>(name: string, spec?: ParamSpec<T> | StandardSchemaV1): ParameterDecorator {
  return decorate('query', name, spec);
}

/**
 * Binds a form field, from an urlencoded or multipart body.
 *
 * @example
 * ```ts
 * class Signup extends BaseHandler {
 *   doPOST(@field('email') email: string, @field('age', { optional: true }) age?: number) { return email; }
 * }
 * ```
 *
 * @category Parameter decorators
 */
export function field<T extends TypeSpec>(name: string, spec?: ParamSpec<T> | StandardSchemaV1): ParameterDecorator {
  return decorate('field', name, spec);
}

/**
 * Binds the whole request body, parsed by its Content-Type with
 * {@link "tsgi/body"!parseBody}: JSON gives the parsed value (null-prototype objects), a
 * form its fields, `text/*` the text, anything else a 415. A required body
 * that is absent is a 400.
 *
 * @example
 * ```ts
 * class Notes extends BaseHandler {
 *   @accepts('application/json')
 *   doPOST(@body() note: unknown) { return JSON.stringify(note); }
 * }
 * ```
 *
 * @category Parameter decorators
 */
export function body(schemaOrOptions: StandardSchemaV1 | Omit<ParamOptions, 'type'> = {}): ParameterDecorator {
  return decorate('body', '', schemaOrOptions);
}

/**
 * Binds a request header by name (any case). With an array type, a
 * comma-separated header becomes its list of values.
 *
 * @example
 * ```ts
 * class Api extends BaseHandler {
 *   doGET(@header('X-Request-Id', { optional: true }) requestId?: string) { return requestId ?? 'none'; }
 * }
 * ```
 *
 * @category Parameter decorators
 */
export function header<T extends TypeSpec>(name: string, spec?: ParamSpec<T> | StandardSchemaV1): ParameterDecorator {
  return decorate('header', name, spec);
}

/**
 * Binds a cookie from the `Cookie` header, parsed with the `cookie` package.
 *
 * @example
 * ```ts
 * class Prefs extends BaseHandler {
 *   doGET(@cookie('theme', { default: 'light' }) theme: string) { return theme; }
 * }
 * ```
 *
 * @category Parameter decorators
 */
export function cookie<T extends TypeSpec>(name: string, spec?: ParamSpec<T> | StandardSchemaV1): ParameterDecorator {
  return decorate('cookie', name, spec);
}

/**
 * Binds an uploaded file of a multipart form (an array type gets every file
 * sent under that name).
 *
 * @example
 * ```ts
 * class Avatar extends BaseHandler {
 *   doPOST(@file('avatar') avatar: UploadedFile) { return `${avatar.filename}: ${avatar.size} bytes`; }
 * }
 * ```
 *
 * @category Parameter decorators
 */
export function file(name: string, options: ParamOptions = {}): ParameterDecorator {
  return decorate('file', name, options);
}

/**
 * Binds an environ key as it is, e.g. one a middleware added. A string value
 * is converted only to an explicitly given (or declared) Number, Boolean or
 * Date. A required key that is missing is a server error (500), since the
 * client cannot supply it.
 *
 * @example
 * ```ts
 * class Who extends BaseHandler {
 *   doGET(@environ('REMOTE_ADDR') address: string) { return address; }
 * }
 * ```
 *
 * @category Parameter decorators
 */
export function environ<T extends TypeSpec>(key: string, spec?: ParamSpec<T>): ParameterDecorator {
  return decorate('environ', key, spec);
}

/**
 * Binds the visitor's {@link tsgi!Session} (`environ['tsgi.session']`). Without
 * session middleware, a required session is a server error (500); pass
 * `{ optional: true }` to get `undefined` instead.
 *
 * @example
 * ```ts
 * class Counter extends BaseHandler {
 *   doGET(@session() session: Session) {
 *     const visits = Number(session.get('visits') ?? 0) + 1;
 *     session.set('visits', visits);
 *     return `visit ${visits}`;
 *   }
 * }
 * ```
 *
 * @category Parameter decorators
 */
export function session(options: Pick<ParamOptions, 'optional'> = {}): ParameterDecorator {
  return decorate('session', 'tsgi.session', options);
}
