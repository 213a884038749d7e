import { describe, expect, test } from 'vitest';
import { tracesUrl } from '../../../plugins/otel/endpoint.ts';

describe('tracesUrl: the OTel spec’s endpoint rules', () => {
  test('a base endpoint gets v1/traces appended, with or without a trailing slash or a path', () => {
    expect(tracesUrl({ endpoint: 'http://collector:4318' })).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl({ endpoint: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl({ endpoint: 'https://otlp.example.com/otlp' })).toBe('https://otlp.example.com/otlp/v1/traces');
  });

  test('a traces endpoint is used as is and wins over the base; the default is localhost:4318', () => {
    expect(tracesUrl({ endpoint: 'http://a:4318', tracesEndpoint: 'http://b:9999/custom' })).toBe('http://b:9999/custom');
    expect(tracesUrl({})).toBe('http://localhost:4318/v1/traces');
  });

  test('a URL that does not parse, or is not http(s), fails (at start-up)', () => {
    expect(() => tracesUrl({ endpoint: 'collector:4318' })).toThrow(/http\(s\)/);
    expect(() => tracesUrl({ endpoint: 'not a url' })).toThrow();
  });
});
