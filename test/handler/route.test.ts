import { describe, expect, it } from 'vitest';
import { BaseHandler, param, route } from '../../src/handler/index.js';
import { compileRoute } from '../../src/handler/route-pattern.js';
import { TestClient } from '../../src/testing/index.js';

describe('compileRoute', () => {
  it('matches literal, :name and final *name segments', () => {
    const route = compileRoute('/users/:name/files/*path');
    expect({ ...route.match('/users/ada/files/a/b.txt') }).toEqual({ name: 'ada', path: 'a/b.txt' });
    expect(route.match('/users/ada/files/')).toBeUndefined();
    expect(route.match('/users//files/x')).toBeUndefined();
    expect(route.match('/people/ada/files/x')).toBeUndefined();
    expect(route.matchesRoot).toBe(false);
    expect(compileRoute('/').matchesRoot).toBe(true);
  });

  it('is strict about trailing slashes and extra segments', () => {
    const route = compileRoute('/:name');
    expect({ ...route.match('/ada') }).toEqual({ name: 'ada' });
    expect(route.match('/ada/')).toBeUndefined();
    expect(route.match('/ada/x')).toBeUndefined();
    expect(route.match('/')).toBeUndefined();
  });

  it('gives params that inherit no names, so __proto__ and constructor are just keys', () => {
    const params = compileRoute('/:name').match('/__proto__')!;
    expect(params.name).toBe('__proto__');
    expect(Object.keys(params)).toEqual(['name']);
    for (const inherited of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) expect(inherited in params).toBe(false);
    const keyed = compileRoute('/:__proto__/:constructor').match('/a/b')!;
    expect({ ...keyed }).toEqual(JSON.parse('{"__proto__":"a","constructor":"b"}'));
  });

  it('refuses malformed patterns', () => {
    expect(() => compileRoute('users')).toThrow(TypeError);
    expect(() => compileRoute('/:')).toThrow(TypeError);
    expect(() => compileRoute('/:a/:a')).toThrow(/repeats/);
    expect(() => compileRoute('/*rest/x')).toThrow(/last segment/);
    expect(() => route('/:1x')).toThrow(TypeError);
  });
});

describe('@route', () => {
  @route('/:name')
  class Users extends BaseHandler {
    doGETALL(): string {
      return 'all users';
    }
    doGET(@param('name') name: string): string {
      return `user ${name} ${this.params.name}`;
    }
    doPUT(): string {
      return `put ${this.params.name}`;
    }
  }
  const client = new TestClient(Users);

  it('fills this.params on a matching item path (percent-decoded)', async () => {
    expect((await client.get('/ada')).text()).toBe('user ada ada');
    expect((await client.get('/J%C3%BCrgen%20B')).text()).toBe('user Jürgen B Jürgen B');
    expect((await client.put('/ada', { body: 'x' })).text()).toBe('put ada');
  });

  it('answers 404 to a path the pattern does not match, before looking at the method', async () => {
    for (const path of ['/ada/extra', '/ada/']) {
      const response = await client.get(path);
      expect(response.status, path).toBe(404);
      expect(response.text()).toContain('Nothing here matches');
    }
    expect((await client.delete('/a/b')).status).toBe(404);
  });

  it('composes with doGETALL at the root, keeping the exact Allow of each path', async () => {
    expect((await client.get('/')).text()).toBe('all users');
    expect((await client.get('/', { environ: { PATH_INFO: '', SCRIPT_NAME: '/users' } })).text()).toBe('all users');
    const rootPut = await client.put('/', { body: 'x' });
    expect(rootPut.status).toBe(405);
    expect(rootPut.headers.get('Allow')).toBe('GET, HEAD, OPTIONS');
    const itemPost = await client.post('/ada', { body: 'x' });
    expect(itemPost.status).toBe(405);
    expect(itemPost.headers.get('Allow')).toBe('GET, HEAD, OPTIONS, PUT');
    expect((await client.options('/')).headers.get('Allow')).toBe('GET, HEAD, OPTIONS');
  });

  it('answers 404 at the root of a class with no root methods', async () => {
    @route('/:id')
    class Items extends BaseHandler {
      doGET(): string {
        return `item ${this.params.id}`;
      }
    }
    const items = new TestClient(Items);
    expect((await items.get('/')).status).toBe(404);
    expect((await items.get('/7')).text()).toBe('item 7');
  });

  it('is inherited, and a subclass may give its own', async () => {
    class Admins extends Users {}
    expect((await new TestClient(Admins).get('/root')).text()).toBe('user root root');
    @route('/admin/:name')
    class Nested extends Users {}
    expect((await new TestClient(Nested).get('/admin/x')).text()).toBe('user x x');
    expect((await new TestClient(Nested).get('/x')).status).toBe(404);
  });

  it('leaves classes without a pattern as before: empty params, every path dispatched', async () => {
    class Open extends BaseHandler {
      doGET(): string {
        return `${Object.keys(this.params).length} ${this.pathInfo}`;
      }
    }
    expect((await new TestClient(Open).get('/a/b/c')).text()).toBe('0 /a/b/c');
  });
});
