/**
 * Standard Schema (https://standardschema.dev) as the parameter decorators
 * take it: any validator that implements the spec (zod, valibot, arktype,
 * …) validates and types a parameter, with no decorator metadata needed.
 *
 * @module
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';

export type { StandardSchemaV1 };

/**
 * Whether `value` implements Standard Schema: it carries a `~standard`
 * object with a `validate` function.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * isStandardSchema(z.string()); // true
 * isStandardSchema(Number);     // false
 * ```
 */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props: unknown = (value as { '~standard'?: unknown })['~standard'];
  return typeof props === 'object' && props !== null && typeof (props as { validate?: unknown }).validate === 'function';
}
