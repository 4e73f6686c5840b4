/**
 * Hand-written OpenAPI 3.1 documents for the tests of the OpenAPI tooling
 * and middleware: one that every independent checker accepts, and ways to
 * break it that each checker must catch.
 */

/** A small bookshop API: four operations on two paths, a shared schema, a 404 response. */
export function bookshopDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Bookshop',
      version: '1.0.0',
      summary: 'Books and their reviews',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: 'http://127.0.0.1/api' }],
    security: [],
    tags: [{ name: 'books', description: 'The catalogue' }],
    paths: {
      '/books': {
        get: {
          operationId: 'listBooks',
          summary: 'List the books',
          tags: ['books'],
          parameters: [{ name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } }],
          responses: {
            '200': { description: 'The books', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Book' } } } } },
            '400': { $ref: '#/components/responses/Problem' },
          },
        },
        post: {
          operationId: 'addBook',
          summary: 'Add a book',
          tags: ['books'],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NewBook' } } } },
          responses: {
            '201': { description: 'The book as stored', content: { 'application/json': { schema: { $ref: '#/components/schemas/Book' } } } },
            '400': { $ref: '#/components/responses/Problem' },
          },
        },
      },
      '/books/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        get: {
          operationId: 'getBook',
          summary: 'One book',
          tags: ['books'],
          responses: {
            '200': { description: 'The book', content: { 'application/json': { schema: { $ref: '#/components/schemas/Book' } } } },
            '404': { $ref: '#/components/responses/Problem' },
          },
        },
        delete: {
          operationId: 'deleteBook',
          summary: 'Remove a book',
          tags: ['books'],
          responses: {
            '204': { description: 'Removed' },
            '404': { $ref: '#/components/responses/Problem' },
          },
        },
      },
    },
    components: {
      schemas: {
        NewBook: {
          type: 'object',
          required: ['title', 'author'],
          properties: { title: { type: 'string' }, author: { type: 'string' }, year: { type: ['integer', 'null'] } },
        },
        Book: {
          allOf: [{ $ref: '#/components/schemas/NewBook' }, { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } }],
        },
      },
      responses: {
        Problem: {
          description: 'An RFC 9457 problem',
          content: {
            'application/problem+json': {
              schema: { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } } },
            },
          },
        },
      },
    },
  };
}

/** Every operation of {@link bookshopDocument} as `METHOD path`. */
export const BOOKSHOP_OPERATIONS = ['GET /books', 'POST /books', 'GET /books/{id}', 'DELETE /books/{id}'];
