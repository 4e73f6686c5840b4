/**
 * Error pages: `HttpError`s as responses, and 500 pages for the rest.
 *
 * @module
 */
export { showErrors, httpErrors, type ShowErrorsOptions } from './errors.js';
