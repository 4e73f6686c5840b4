import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { PartTextCheck } from '../../src/body/part-text.js';

const block = (disposition: string, extra = ''): Buffer => Buffer.from(`Content-Disposition: ${disposition}\r\n${extra}\r\n`, 'latin1');

describe('PartTextCheck', () => {
  it('reads quoted parameters with escapes and semicolons, so a file is known as one', () => {
    const check = new PartTextCheck();
    // A file part: its bytes are not checked as text, even when not UTF-8.
    check.header(block('form-data; name="up\\"load"; filename="a;b \\"c\\".bin"'));
    expect(() => check.data(Buffer.from([0xff, 0xfe]))).not.toThrow();
    check.end();
  });

  it('names a text field whose bytes are not UTF-8, split across chunks or not', () => {
    const check = new PartTextCheck();
    check.header(block('form-data; name="note"'));
    check.data(Buffer.from('caf', 'latin1'));
    check.data(Buffer.from([0xc3]));
    check.data(Buffer.from([0xa9, 0x21]));
    expect(() => check.end()).not.toThrow();
    check.header(block('form-data;name=note2'));
    expect(() => check.data(Buffer.from([0x61, 0xff]))).toThrow('field "note2" is not valid UTF-8');
  });

  it('refuses a text field that ends inside a sequence, and starts the next part clean', () => {
    const check = new PartTextCheck();
    check.header(block('form-data; name="a"'));
    check.data(Buffer.from([0x61, 0xe2, 0x82]));
    expect(() => check.end()).toThrow('field "a" is not valid UTF-8');
    check.header(block('form-data; name="b"'));
    check.data(Buffer.from('ok'));
    expect(() => check.end()).not.toThrow();
  });

  it('refuses a field name or file name that is not UTF-8', () => {
    const check = new PartTextCheck();
    expect(() => check.header(Buffer.concat([Buffer.from('Content-Disposition: form-data; name="'), Buffer.from([0xff]), Buffer.from('"\r\n\r\n')]))).toThrow(/field name .* is not valid UTF-8/);
    expect(() => check.header(Buffer.concat([Buffer.from('Content-Disposition: form-data; name="f"; filename="'), Buffer.from([0xc3]), Buffer.from('"\r\n\r\n')]))).toThrow('filename of field "f" is not valid UTF-8');
  });
});
