import type { Registry } from 'prom-client';

/**
 * Counters, gauges and histograms recorded with plain number arithmetic and rendered by
 * prom-client's registry at scrape time. prom-client's own children re-validate and re-hash their
 * labels on every `inc`/`observe`; a call recorded about ten of them, which cost the gateway
 * several percent of its throughput (bench: metrics on vs off). Here a child is made once per
 * combination of label values (the Series caches it), and recording is an add, or a bucket search
 * over a dozen bounds and two adds.
 */

/** One line of a family's scrape, in the shape prom-client's registry formats. */
interface ScrapeValue {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName?: string;
}

interface Scrape {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly values: ScrapeValue[];
  readonly aggregator: 'sum';
}

export interface FamilyOptions<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly registers: readonly Registry[];
}

abstract class Family<L extends string, C> {
  readonly name: string;
  readonly help: string;
  abstract readonly type: Scrape['type'];
  readonly aggregator = 'sum' as const;
  readonly #labelNames: readonly L[];
  /** Children by their joined label values, in creation order (the scrape's order). */
  readonly #children = new Map<string, { labels: Readonly<Record<string, string>>; child: C }>();

  constructor(options: FamilyOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.#labelNames = options.labelNames;
    // The registry only reads name, help, type and get(): that is the whole contract it renders.
    for (const registry of options.registers) registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /**
   * The child of these label values (in `labelNames` order), made on first use. A counter or
   * histogram child shows in the scrape once it recorded something; a gauge child at once.
   */
  labels(...values: string[]): C {
    if (values.length !== this.#labelNames.length) throw new TypeError(`${this.name}: expected ${this.#labelNames.length} label values, got ${values.length}`);
    const key = values.join('\u0001');
    const found = this.#children.get(key);
    if (found !== undefined) return found.child;
    const labels: Record<string, string> = {};
    this.#labelNames.forEach((n, i) => (labels[n] = values[i] as string));
    const child = this.newChild();
    this.#children.set(key, { labels: Object.freeze(labels), child });
    return child;
  }

  protected abstract newChild(): C;
  protected abstract scrape(labels: Readonly<Record<string, string>>, child: C, out: ScrapeValue[]): void;

  /** What prom-client's registry calls at scrape time. */
  async get(): Promise<Scrape> {
    const values: ScrapeValue[] = [];
    for (const { labels, child } of this.#children.values()) this.scrape(labels, child, values);
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

export class CounterChild {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
}

export class CounterFamily<L extends string> extends Family<L, CounterChild> {
  readonly type = 'counter' as const;
  protected newChild(): CounterChild {
    return new CounterChild();
  }
  protected scrape(labels: Readonly<Record<string, string>>, child: CounterChild, out: ScrapeValue[]): void {
    // A series appears once counted, as with prom-client: resolving a child shows nothing yet.
    if (child.value !== 0) out.push({ labels, value: child.value });
  }
}

export class GaugeChild {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
  dec(by = 1): void {
    this.value -= by;
  }
}

export class GaugeFamily<L extends string> extends Family<L, GaugeChild> {
  readonly type = 'gauge' as const;
  protected newChild(): GaugeChild {
    return new GaugeChild();
  }
  protected scrape(labels: Readonly<Record<string, string>>, child: GaugeChild, out: ScrapeValue[]): void {
    out.push({ labels, value: child.value });
  }
}

export class HistogramChild {
  /** Observations per bucket (not cumulative); the last slot is above every bound (+Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  readonly #bounds: readonly number[];

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.#bounds;
    let i = 0;
    // Prometheus buckets are inclusive upper bounds (le).
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    (this.counts[i] as number)++;
    this.sum += value;
    this.count++;
  }
}

export class HistogramFamily<L extends string> extends Family<L, HistogramChild> {
  readonly type = 'histogram' as const;
  readonly #bounds: readonly number[];

  constructor(options: FamilyOptions<L> & { readonly buckets: readonly number[] }) {
    super(options);
    this.#bounds = Object.freeze([...options.buckets].sort((a, b) => a - b));
  }

  protected newChild(): HistogramChild {
    return new HistogramChild(this.#bounds);
  }

  protected scrape(labels: Readonly<Record<string, string>>, child: HistogramChild, out: ScrapeValue[]): void {
    if (child.count === 0) return;
    const bucket = `${this.name}_bucket`;
    let cumulative = 0;
    this.#bounds.forEach((le, i) => {
      cumulative += child.counts[i] as number;
      out.push({ labels: { ...labels, le }, value: cumulative, metricName: bucket });
    });
    out.push({ labels: { ...labels, le: '+Inf' }, value: child.count, metricName: bucket });
    out.push({ labels, value: child.sum, metricName: `${this.name}_sum` });
    out.push({ labels, value: child.count, metricName: `${this.name}_count` });
  }
}
