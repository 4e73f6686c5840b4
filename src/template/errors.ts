/**
 * The error every template problem is reported with.
 *
 * @module
 */

/**
 * A template that cannot be loaded (malformed XML, a duplicate id) or a
 * render that asks for something the template does not have (an unknown id,
 * an id whose element was removed or repeated). The message names the
 * template and the id.
 *
 * @example
 * ```ts
 * try {
 *   Template.fromString('<p><b id="x"/><i id="x"/></p>', { name: 'page.xml' });
 * } catch (error) {
 *   if (error instanceof TemplateError) console.error(error.message);
 *   // page.xml: duplicate id "x"
 * }
 * ```
 *
 * @category Errors
 */
export class TemplateError extends Error {
  /** The template's name, as given when it was loaded. */
  readonly template: string;

  constructor(template: string, message: string, options?: { cause?: unknown }) {
    super(`${template}: ${message}`, options);
    this.name = 'TemplateError';
    this.template = template;
  }
}
