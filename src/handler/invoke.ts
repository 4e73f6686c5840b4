/**
 * Running a decorated `doX` method: hooks, the `@accepts` check, parameter
 * binding, the call, and the after hooks.
 *
 * @module
 */
import { parseMediaType } from '../body/media-type.js';
import { HttpError } from '../gateway/http-error.js';
import { hasRequestBody } from '../gateway/request-body.js';
import type { ResponseHeaders } from '../gateway/types.js';
import { bindAll, bindSync, type RequestSource } from './bind.js';
import type { MethodPlan } from './plan.js';
import type { HandlerResult } from './result.js';

type Method = (...args: unknown[]) => unknown;
// Hooks are stored with their handler type erased; they get back the very
// handler they were declared for.
type Hook = (handler: RequestSource, result?: HandlerResult) => unknown;

/**
 * Calls `method` on `handler` as `plan` says. Returns the method's result
 * directly when the plan needs no awaits, so undecorated-looking paths stay
 * synchronous; otherwise a promise.
 */
export function invokePlan(handler: RequestSource, plan: MethodPlan, method: Method): unknown {
  if (plan.sync) {
    checkAccepts(handler, plan);
    return method.apply(handler, bindSync(handler, plan));
  }
  return invokeAsync(handler, plan, method);
}

async function invokeAsync(handler: RequestSource, plan: MethodPlan, method: Method): Promise<unknown> {
  for (const hook of plan.before) await (hook as Hook)(handler);
  checkAccepts(handler, plan);
  const args = await bindAll(handler, plan);
  let result = (await method.apply(handler, args)) as HandlerResult;
  for (const hook of plan.after) {
    const replaced = await (hook as Hook)(handler, result);
    if (replaced !== undefined) result = replaced as HandlerResult;
  }
  return result;
}

function checkAccepts(handler: RequestSource, plan: MethodPlan): void {
  const accepted = plan.accepts;
  const environ = handler.environ;
  if (accepted === undefined || !hasRequestBody(environ)) return;
  const essence = parseMediaType(environ.CONTENT_TYPE)?.essence;
  if (essence !== undefined && accepted.some((type) => matches(type, essence))) return;
  const list = accepted.join(', ');
  const got = environ.CONTENT_TYPE === undefined ? 'no Content-Type' : `Content-Type ${JSON.stringify(environ.CONTENT_TYPE)}`;
  const headers: ResponseHeaders = [];
  if (environ.REQUEST_METHOD === 'POST') headers.push(['Accept-Post', list]);
  else if (environ.REQUEST_METHOD === 'PATCH') headers.push(['Accept-Patch', list]);
  throw new HttpError(415, `Expected ${accepted.length === 1 ? list : `one of ${list}`}, got ${got}`, {
    headers,
    extensions: { accepted: [...accepted] },
  });
}

function matches(accepted: string, essence: string): boolean {
  if (accepted === essence || accepted === '*/*') return true;
  return accepted.endsWith('/*') && essence.startsWith(accepted.slice(0, -1));
}
