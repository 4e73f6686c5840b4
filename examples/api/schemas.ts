/**
 * The JSON API example's contract, as zod schemas: what a client may send,
 * and the parameters the handlers take. They validate requests (422 with
 * every issue) and become the OpenAPI document's schemas.
 */
import { z } from 'zod';

/** An ISO calendar date, `2026-12-24`. */
const isoDate = z.iso.date();

/** What POST and PUT take: a whole task. */
export const TaskInput = z
  .object({
    title: z.string().trim().min(1).max(200).describe('What is to be done'),
    done: z.boolean().default(false),
    due: isoDate.nullable().default(null).describe('The day it is due, or null'),
  })
  .strict();

/** What PATCH takes: any of a task's fields. */
export const TaskPatch = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    done: z.boolean().optional(),
    due: isoDate.nullable().optional(),
  })
  .strict();

/** A task as the API answers it. */
export const Task = z.object({
  id: z.number().int().positive(),
  title: z.string(),
  done: z.boolean(),
  due: isoDate.nullable(),
  created: z.iso.datetime(),
  updated: z.iso.datetime(),
  version: z.number().int().positive(),
});

/** A page of the list. */
export const TaskPage = z.object({
  items: z.array(Task),
  next: z.number().int().nullable().describe('The cursor of the next page, or null on the last'),
});

/** The `{id}` path parameter. */
export const TaskId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** The list's page size. */
export const Limit = z.coerce.number().int().min(1).max(100).default(20);

/** The list's cursor: the last id of the previous page. */
export const After = z.coerce.number().int().min(0).default(0);

/** A checked Done filter for the list. */
export const DoneFilter = z.enum(['true', 'false']).optional();
