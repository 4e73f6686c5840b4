import 'reflect-metadata';
import { describe, expect, it } from 'vitest';

// Parameter decorators coerce by `design:paramtypes`; if the test transform
// stops emitting it, every typed-parameter test would pass for the wrong reason.
function noted(_target: object, _key: string | symbol, _index: number): void {}

class Probe {
  method(@noted count: number, @noted when: Date, @noted name: string): string {
    return `${count}${when.toISOString()}${name}`;
  }
}

describe('test transform', () => {
  it('emits design:paramtypes for decorated methods', () => {
    const types = Reflect.getMetadata('design:paramtypes', Probe.prototype, 'method') as unknown[];
    expect(types).toEqual([Number, Date, String]);
  });
});
