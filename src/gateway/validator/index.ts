/**
 * The gateway's conformance checker.
 *
 * @module tsgi/validate
 */
export { validate, reportViolation, type ValidateOptions, type ViolationHandler } from './validate.js';
export {
  ValidationError,
  VALIDATION_RULES,
  type ValidationRule,
  type ValidationRuleInfo,
  type ValidationSide,
} from './validation-error.js';
export { checkEnviron } from './environ.js';
