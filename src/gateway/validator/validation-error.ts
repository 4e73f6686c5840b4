/**
 * The error `validate()` throws, and the validator's names for the gateway's
 * rules, which are the same list as {@link GATEWAY_RULES}.
 *
 * @module
 */
import { GATEWAY_RULES, GatewayError, type GatewayRule, type GatewayRuleInfo, type GatewaySide } from '../rules.js';

/**
 * Which party broke a rule; the same as {@link GatewaySide}.
 *
 * @example
 * ```ts
 * const blame: ValidationSide = VALIDATION_RULES['head-body'].side; // 'app'
 * ```
 *
 * @category Violations
 */
export type ValidationSide = GatewaySide;

/**
 * The name of a rule checked by `validate()`; the same as {@link GatewayRule},
 * since the validator checks every gateway rule.
 *
 * @example
 * ```ts
 * const rule: ValidationRule = 'content-type-missing';
 * ```
 *
 * @category Violations
 */
export type ValidationRule = GatewayRule;

/**
 * What {@link VALIDATION_RULES} says about one rule; the same as
 * {@link GatewayRuleInfo}.
 *
 * @example
 * ```ts
 * const info: ValidationRuleInfo = VALIDATION_RULES['body-return'];
 * console.log(`${info.side}: ${info.description}`);
 * ```
 *
 * @category Violations
 */
export type ValidationRuleInfo = GatewayRuleInfo;

/**
 * Every rule `validate()` checks: the very object {@link GATEWAY_RULES}, under
 * the name the validator has always exported it by.
 *
 * @example
 * ```ts
 * VALIDATION_RULES === GATEWAY_RULES; // true
 * ```
 *
 * @category Violations
 */
export const VALIDATION_RULES: Readonly<Record<ValidationRule, ValidationRuleInfo>> = GATEWAY_RULES;

/**
 * A breach of the gateway interface found by `validate()`. `rule` is one of
 * {@link GATEWAY_RULES}; `side` says whether the server or the app broke it.
 *
 * @example
 * ```ts
 * try {
 *   await client.get('/');
 * } catch (error) {
 *   if (error instanceof ValidationError) console.log(error.side, error.rule);
 * }
 * ```
 *
 * @category Violations
 */
export class ValidationError extends GatewayError {
  /** Who broke it. */
  readonly side: ValidationSide;

  constructor(rule: ValidationRule, message: string) {
    const side = GATEWAY_RULES[rule].side;
    super(rule, `${side} violation: ${message}`);
    this.name = 'ValidationError';
    this.side = side;
  }
}

/**
 * Rephrases a {@link GatewayError} from the shared checks in `spec.ts` as a
 * {@link ValidationError}, so that what the validator throws always says
 * which side is at fault. Anything else is returned as it is.
 *
 * @example
 * ```ts
 * try { checkHeaders(headers); } catch (error) { throw asViolation(error); }
 * ```
 */
export function asViolation(error: unknown): unknown {
  if (error instanceof GatewayError && !(error instanceof ValidationError)) {
    const prefix = `[${error.rule}] `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    return new ValidationError(error.rule, message);
  }
  return error;
}
