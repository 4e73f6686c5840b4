/**
 * Error pages: `HttpError`s as responses, and 500 pages for the rest.
 *
 * @module tsgi/middleware/errors
 */
export { showErrors, httpErrors, type ShowErrorsOptions } from './errors.js';
