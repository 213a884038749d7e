import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CounterFamily, GaugeFamily, HistogramFamily } from '../../../plugins/metrics/families.ts';

describe('metric families rendered by prom-client’s registry', () => {
  it('a histogram has inclusive, cumulative buckets, +Inf, sum and count, in Prometheus text', async () => {
    const registry = new Registry();
    const h = new HistogramFamily({ name: 'h_seconds', help: 'h', labelNames: ['route'], buckets: [0.1, 1, 10], registers: [registry] });
    const child = h.labels('/v1/chat');
    for (const v of [0.05, 0.1, 0.5, 1, 20]) child.observe(v);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE h_seconds histogram');
    expect(text).toContain('h_seconds_bucket{route="/v1/chat",le="0.1"} 2');
    expect(text).toContain('h_seconds_bucket{route="/v1/chat",le="1"} 4');
    expect(text).toContain('h_seconds_bucket{route="/v1/chat",le="10"} 4');
    expect(text).toContain('h_seconds_bucket{route="/v1/chat",le="+Inf"} 5');
    expect(text).toContain('h_seconds_sum{route="/v1/chat"} 21.65');
    expect(text).toContain('h_seconds_count{route="/v1/chat"} 5');
  });

  it('a counter or histogram child shows once it recorded; a gauge child at once; label values are escaped', async () => {
    const registry = new Registry();
    const c = new CounterFamily({ name: 'c_total', help: 'c', labelNames: ['model'], registers: [registry] });
    const g = new GaugeFamily({ name: 'g', help: 'g', labelNames: ['route'], registers: [registry] });
    const h = new HistogramFamily({ name: 'h', help: 'h', labelNames: ['model'], buckets: [1], registers: [registry] });
    c.labels('unused');
    h.labels('unused');
    c.labels('a"b\\c').inc(2);
    const gauge = g.labels('/x');
    gauge.inc();
    gauge.dec();
    const text = await registry.metrics();
    expect(text).not.toContain('unused');
    expect(text).toContain('c_total{model="a\\"b\\\\c"} 2');
    expect(text).toContain('g{route="/x"} 0');
  });

  it('the same label values give the same child; a wrong number of values is refused', () => {
    const c = new CounterFamily({ name: 'd_total', help: 'd', labelNames: ['a', 'b'], registers: [] });
    expect(c.labels('x', 'y')).toBe(c.labels('x', 'y'));
    expect(c.labels('x', 'y')).not.toBe(c.labels('x', 'z'));
    expect(() => c.labels('x')).toThrow(TypeError);
  });
});
