/**
 * Charts for tools whose data a person would rather look at: a Vega-Lite specification compiled
 * and rendered headless by vega to SVG, then rasterised to PNG by resvg with the system's fonts.
 * The libraries load on the first chart, so no other call pays for them.
 */

/** A Vega-Lite specification (the tool returns it too, for clients that render it themselves). */
export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export async function renderPng(spec: VegaLiteSpec): Promise<{ data: string; mimeType: 'image/png' }> {
  const [vega, vl, { Resvg }] = await Promise.all([
    import('vega'),
    import('vega-lite'),
    import('@resvg/resvg-js'),
  ]);
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, {
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
  return { data: Buffer.from(png).toString('base64'), mimeType: 'image/png' };
}

/** Done items per period as bars. */
export function velocitySpec(rows: readonly { period: string; done: number }[], what: string): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: `${what} done per period`,
    width: 480,
    height: 240,
    data: { values: rows.map((r) => ({ period: r.period, done: r.done })) },
    mark: 'bar',
    encoding: {
      x: { field: 'period', type: 'ordinal', title: 'Period' },
      y: { field: 'done', type: 'quantitative', title: 'Done' },
    },
  };
}

/** Runs per completion date, with the P50/P85/P95 dates marked. */
export function forecastSpec(
  rows: readonly { date: string; runs: number }[],
  marks: readonly { label: string; date: string }[],
  title: string,
): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title,
    width: 480,
    height: 240,
    layer: [
      {
        data: { values: rows },
        mark: 'bar',
        encoding: {
          x: { field: 'date', type: 'ordinal', title: 'Done by (week)' },
          y: { field: 'runs', type: 'quantitative', title: 'Simulated runs' },
        },
      },
      {
        data: { values: marks },
        mark: { type: 'rule', color: '#d62728' },
        encoding: { x: { field: 'date', type: 'ordinal' }, tooltip: { field: 'label' } },
      },
    ],
  };
}

/** Items per whole day of cycle time, as bars. */
export function cycleTimeSpec(rows: readonly { days: number; count: number }[], what: string): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: `Cycle time of ${what} (started to done)`,
    width: 480,
    height: 240,
    data: { values: rows },
    mark: 'bar',
    encoding: {
      x: { field: 'days', type: 'ordinal', title: 'Days' },
      y: { field: 'count', type: 'quantitative', title: 'Items' },
    },
  };
}

const FLOW_ORDER = ['done', 'review', 'in_progress', 'blocked', 'planning'];

/** Items per status at the end of each day, stacked: the cumulative flow diagram. */
export function cumulativeFlowSpec(
  rows: readonly Record<string, number | string>[],
  what: string,
): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: `Cumulative flow of ${what}`,
    width: 480,
    height: 240,
    data: {
      values: rows.flatMap((r) => FLOW_ORDER.map((status) => ({ date: r.date, status, items: r[status] }))),
    },
    mark: 'area',
    encoding: {
      x: { field: 'date', type: 'temporal', title: 'Day' },
      y: { field: 'items', type: 'quantitative', stack: 'zero', title: 'Items' },
      color: { field: 'status', type: 'nominal', sort: FLOW_ORDER, title: 'Status' },
      order: { field: 'status', sort: 'ascending' },
    },
  };
}

/** Done against scope per week: the milestone's burn-up. */
export function burnUpSpec(
  rows: readonly { week: string; done: number; scope: number }[],
  title: string,
): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title,
    width: 480,
    height: 240,
    data: {
      values: rows.flatMap((r) => [
        { week: r.week, series: 'scope', tasks: r.scope },
        { week: r.week, series: 'done', tasks: r.done },
      ]),
    },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'week', type: 'temporal', title: 'Week' },
      y: { field: 'tasks', type: 'quantitative', title: 'Tasks' },
      color: { field: 'series', type: 'nominal', title: '' },
    },
  };
}
