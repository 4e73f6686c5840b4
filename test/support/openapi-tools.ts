/**
 * Independent checks of an OpenAPI document: Redocly's linter, a JSON Schema
 * validation against the OpenAPI 3.1 schema, and openapi-typescript's types
 * with a client type-checked against them. None of them is tsgi's, so a test
 * that passes through them is not tsgi agreeing with itself.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';

const REDOCLY = fileURLToPath(new URL('../../node_modules/.bin/redocly', import.meta.url));

const tempDirs: string[] = [];

/** Removes the temporary directories the helpers made; call it in `afterAll`. */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsgi-openapi-'));
  tempDirs.push(dir);
  return dir;
}

/** One problem Redocly reports. */
export interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  /** A JSON pointer into the document, e.g. `#/paths/~1posts/get`. */
  pointer: string;
}

interface RedoclyReport {
  problems: Array<{ ruleId: string; severity: 'error' | 'warn'; message: string; location: Array<{ pointer?: string }> }>;
}

/**
 * Lints `doc` with `redocly lint` and its `recommended` ruleset; resolves
 * with every problem (errors and warnings), `[]` for a clean document.
 */
export async function redoclyLint(doc: object): Promise<LintProblem[]> {
  const dir = tempDir();
  writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc, null, 2));
  writeFileSync(join(dir, 'redocly.yaml'), 'extends:\n  - recommended\n');
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      REDOCLY,
      ['lint', 'openapi.json', '--config', 'redocly.yaml', '--format=json'],
      {
        cwd: dir,
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
        // No telemetry or update check: the machine has no network, and a
        // test must not phone home where it has one.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      },
      (error, out, stderr) => {
        // Exit code 1 means "problems found"; the report is on stdout all the same.
        if (out.trim().startsWith('{')) resolve(out);
        else reject(new Error(`redocly lint failed: ${error?.message ?? ''}\n${stderr}`));
      },
    );
  });
  const report = JSON.parse(stdout) as RedoclyReport;
  return report.problems.map((problem) => ({
    ruleId: problem.ruleId,
    severity: problem.severity,
    message: problem.message,
    pointer: problem.location[0]?.pointer ?? '',
  }));
}

/** The outcome of {@link validateSchema}. */
export interface SchemaValidation {
  valid: boolean;
  /** The OpenAPI version the validator recognised, such as `3.1`. */
  version: string | undefined;
  /** `instancePath: message` per schema error, or the validator's one message (an unresolvable `$ref`). */
  errors: string[];
}

/** Validates `doc` against the OpenAPI JSON Schema for its version, its internal `$ref`s included. */
export async function validateSchema(doc: object): Promise<SchemaValidation> {
  const validator = new Validator();
  // The validator may annotate what it is given; the caller's object stays as it was.
  const result = await validator.validate(structuredClone(doc) as Parameters<Validator['validate']>[0]);
  const raw: unknown = result.errors;
  const errors =
    raw === undefined
      ? []
      : Array.isArray(raw)
        ? raw.map((error: { instancePath?: string; message?: string; params?: unknown }) => `${error.instancePath ?? ''}: ${error.message ?? ''} ${JSON.stringify(error.params ?? {})}`)
        : [String(raw)];
  return { valid: result.valid, version: result.valid ? validator.version : undefined, errors };
}

/** TypeScript declarations openapi-typescript generated for a document. */
export interface GeneratedTypes {
  /** `api.d.ts` in a temporary directory of its own, removed by {@link removeTempDirs}. */
  file: string;
  source: string;
}

/** Generates `paths`, `components` and `operations` types for `doc` with openapi-typescript. */
export async function generateTypes(doc: object): Promise<GeneratedTypes> {
  const ast = await openapiTS(structuredClone(doc) as Parameters<typeof openapiTS>[0]);
  const source = astToString(ast);
  const file = join(tempDir(), 'api.d.ts');
  writeFileSync(file, source);
  return { file, source };
}

/** A compiler diagnostic of {@link compileClient}. */
export interface ClientDiagnostic {
  code: number;
  /** 1-based line in the client source, or 0 outside it. */
  line: number;
  message: string;
}

let clients = 0;

/**
 * Type-checks `clientSource` (TypeScript, strict) written beside
 * `typesFile`, so it imports the generated types as `./api.js`; resolves
 * with its diagnostics, `[]` when it compiles.
 */
export function compileClient(typesFile: string, clientSource: string): ClientDiagnostic[] {
  const file = join(dirname(typesFile), `client-${++clients}.ts`);
  writeFileSync(file, clientSource);
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts'],
    types: [],
    skipLibCheck: false,
    noUnusedLocals: false,
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ({
    code: diagnostic.code,
    line: diagnostic.file?.fileName === file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 0,
    message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
  }));
}
