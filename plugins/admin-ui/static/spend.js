// Spend per day by model, key and team (GET /spend/daily): the top groups, the rest summed.
import { useMemo, useState } from 'preact/hooks';
import { html } from './html.js';
import { api } from './api.js';
import { count, usd, utcDay } from './format.js';
import { Chart, OTHERS_COLOUR } from './chart.js';
import { ErrorLine, useLoad } from './ui.js';

const RANGES = [7, 30, 90];
const GROUPS = [
  { by: 'model', title: 'By model' },
  { by: 'key', title: 'By key' },
  { by: 'team', title: 'By team' },
];
const TOP = 8;
const DAY_MS = 86_400_000;
const dayOf = (seconds) => utcDay(seconds * 1000);

export function SpendView() {
  const [days, setDays] = useState(30);
  const end = utcDay(Date.now());
  const start = utcDay(Date.now() - (days - 1) * DAY_MS);
  return html`
    <section aria-labelledby="spend-title">
      <div class="view-head">
        <h1 id="spend-title">Spend</h1>
        <div class="toolbar">
          <label for="spend-range">Range</label>
          <select id="spend-range" value=${days} onChange=${(e) => setDays(Number(e.currentTarget.value))}>
            ${RANGES.map((d) => html`<option value=${d} key=${d}>Last ${d} days</option>`)}
          </select>
        </div>
      </div>
      <p class="muted">Days are UTC, ${start} to ${end}. Each chart shows the ${TOP} largest groups; the rest are summed as “others”.</p>
      ${GROUPS.map((g) => html`<${SpendChart} key=${g.by} by=${g.by} title=${g.title} start=${start} end=${end} />`)}
    </section>
  `;
}

function SpendChart({ by, title, start, end }) {
  const answer = useLoad(() => api('/spend/daily', { query: { group_by: by, start_date: start, end_date: end, top: TOP } }), [by, start, end]);
  const data = answer.data;
  const chart = useMemo(() => {
    if (!data) return null;
    const xs = data.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
    // The route's labels are distinct, and its series only groups that cost something: those
    // that cost nothing are in `others`, counted in the header's requests, never a line at $0.
    const series = data.series.map((s) => ({ label: s.label, values: s.spend, total: s.total_spend }));
    if (data.others && data.others.total_spend > 0) {
      series.push({ label: `others (${data.others.groups})`, values: data.others.spend, total: data.others.total_spend, colour: OTHERS_COLOUR });
    }
    return { xs, series };
  }, [data]);
  const all = data ? [...data.series, ...(data.others ? [data.others] : [])] : [];
  const total = all.reduce((a, s) => a + s.total_spend, 0);
  const requests = all.reduce((a, s) => a + s.total_requests, 0);
  const unpriced = all.reduce((a, s) => a + s.unpriced_requests, 0);
  return html`
    <article class="card" aria-labelledby=${`spend-${by}`} data-testid=${`spend-${by}`}>
      <header class="card-head">
        <h2 id=${`spend-${by}`}>${title}</h2>
        ${data ? html`<span class="muted">${usd(total)} over ${count(requests)} requests${unpriced > 0 ? ` · ${count(unpriced)} without a price (not counted)` : ''}</span>` : null}
      </header>
      <${ErrorLine} error=${answer.error} />
      ${chart && chart.series.length > 0
        ? html`<${Chart} label=${`Spend per day ${title.toLowerCase()}`} xs=${chart.xs} series=${chart.series} format=${usd} xLabel="Day" xValue=${dayOf} />`
        : data ? html`<p class="empty">No spend in this range.</p>` : null}
    </article>
  `;
}
