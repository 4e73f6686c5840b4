import { describe, expect, it } from 'vitest';
import { checkRetry, formatEvent, HEARTBEAT, type ServerEvent } from '../../src/gateway/index.js';

describe('formatEvent: text/event-stream framing', () => {
  it('frames a string as one data field and the blank line that dispatches it', () => {
    expect(formatEvent('hello')).toBe('data: hello\n\n');
  });

  it('writes comment, event, id, retry and data in that order', () => {
    expect(formatEvent({ data: 'd', retry: 500, id: '9', event: 'tick', comment: 'c' })).toBe(': c\nevent: tick\nid: 9\nretry: 500\ndata: d\n\n');
  });

  it('splits data on LF, CR and CRLF into one data line each, keeping empty lines', () => {
    expect(formatEvent({ data: 'a\nb\rc\r\nd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(formatEvent({ data: 'a\n\nb\n' })).toBe('data: a\ndata: \ndata: b\ndata: \n\n');
    expect(formatEvent({ data: '\r\n' })).toBe('data: \ndata: \n\n');
  });

  it('keeps a leading space of the data (the parser strips exactly one after the colon)', () => {
    expect(formatEvent({ data: '  two spaces' })).toBe('data:   two spaces\n\n');
  });

  it('sends empty data as one empty data line, which EventSource still dispatches', () => {
    expect(formatEvent({ data: '' })).toBe('data: \n\n');
  });

  it('sends an id or retry alone (no data: not dispatched, but it takes effect) and an empty id that clears the last id', () => {
    expect(formatEvent({ id: '12' })).toBe('id: 12\n\n');
    expect(formatEvent({ id: '' })).toBe('id: \n\n');
    expect(formatEvent({ retry: 0 })).toBe('retry: 0\n\n');
  });

  it('turns each line of a comment into a comment line', () => {
    expect(formatEvent({ comment: 'one\ntwo' })).toBe(': one\n: two\n\n');
    expect(formatEvent({ comment: '' })).toBe(':\n\n');
    expect(HEARTBEAT).toBe(':\n\n');
  });

  it('keeps non-ASCII text as it is (the stream is UTF-8)', () => {
    expect(formatEvent({ event: 'grüße', data: 'héllo ✓ 😀' })).toBe('event: grüße\ndata: héllo ✓ 😀\n\n');
  });

  it.each(['a\nb', 'a\rb', 'a\r\nb', 'nul\0here'])('refuses the id %j loudly', (id) => {
    expect(() => formatEvent({ id, data: 'x' })).toThrow(/event id .* contains NUL or a line break/);
  });

  it.each(['a\nb', 'a\rb'])('refuses the event type %j', (event) => {
    expect(() => formatEvent({ event, data: 'x' })).toThrow(/event type .* contains a line break/);
  });

  it.each([-1, 1.5, Number.NaN, Infinity, 2 ** 60])('refuses retry %s', (retry) => {
    expect(() => formatEvent({ retry })).toThrow(RangeError);
    expect(() => checkRetry(retry)).toThrow(/retry must be a non-negative integer/);
  });

  it('refuses fields that are not strings, and an event with no field', () => {
    expect(() => formatEvent({ data: { a: 1 } } as unknown as ServerEvent)).toThrow(/data must be a string, got object \(JSON.stringify/);
    expect(() => formatEvent({ id: 5 } as unknown as ServerEvent)).toThrow(/id must be a string, got number/);
    expect(() => formatEvent({})).toThrow(/needs at least one of/);
    expect(() => formatEvent(null as unknown as ServerEvent)).toThrow(/got null/);
    expect(() => formatEvent(7 as unknown as ServerEvent)).toThrow(/got number/);
  });
});
