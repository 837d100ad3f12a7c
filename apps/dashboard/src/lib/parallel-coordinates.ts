import { formatTick, niceTicks } from './chart-scale';
import { compareParamValues, formatParamValue, paramValue, type ParamValue } from './compare-groups';

/**
 * The layout of a parallel-coordinates plot: one vertical axis per param, then one for a
 * metric; each run a polyline through its values, coloured by its metric value. Numeric
 * axes are scaled (log when every value is positive and they span two decades or more),
 * other axes hold their categories evenly spaced. A run without a value on an axis passes
 * through an "n/a" slot under that axis.
 */

export interface ParallelRun {
  id: string;
  label: string;
  config: Readonly<Record<string, unknown>>;
  /** The chosen metric; undefined when the run does not have it. */
  value?: number;
}

export interface ParallelBox {
  width: number;
  height: number;
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface AxisTick {
  y: number;
  label: string;
}

export interface ParallelAxis {
  name: string;
  label: string;
  x: number;
  kind: 'numeric' | 'log' | 'categorical';
  ticks: AxisTick[];
  /** Where runs without a value on this axis pass, when some have none. */
  missingY?: number;
}

export interface ParallelLine {
  id: string;
  label: string;
  value?: number;
  color: string;
  points: Array<readonly [number, number]>;
}

export interface ParallelLayout {
  axes: ParallelAxis[];
  lines: ParallelLine[];
  /** The colour scale of the metric: undefined when no run has the metric. */
  scale?: { min: number; max: number; stops: string[] };
}

export const DEFAULT_BOX: ParallelBox = { width: 760, height: 340, top: 36, right: 40, bottom: 40, left: 60 };

/** Colour for runs without the metric. */
export const NO_VALUE_COLOR = '#9ca3af';

/** A perceptually ordered dark-purple to yellow ramp (the viridis stops, evenly spaced). */
export const COLOR_STOPS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];

function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The colour at `t` in [0, 1] along the stops, linearly in RGB. */
export function rampColor(t: number, stops: readonly string[] = COLOR_STOPS): string {
  const clamped = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const position = clamped * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(position));
  const f = position - i;
  const a = hexToRgb(stops[i] as string);
  const b = hexToRgb(stops[i + 1] as string);
  return `#${a.map((from, k) => Math.round(from + ((b[k] as number) - from) * f).toString(16).padStart(2, '0')).join('')}`;
}

const MISSING_GAP = 18;
const MAX_VALUE_TICKS = 6;

interface AxisScale {
  kind: ParallelAxis['kind'];
  y: (value: ParamValue) => number | undefined;
  ticks: AxisTick[];
}

function numericScale(values: number[], top: number, bottom: number, valueTicks: boolean): AxisScale {
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  const lo = distinct[0] as number;
  const hi = distinct[distinct.length - 1] as number;
  const log = lo > 0 && hi / lo >= 100;
  const t = (v: number) => (log ? Math.log10(v) : v);
  const span = t(hi) - t(lo);
  const y = (v: number) => (span === 0 ? (top + bottom) / 2 : bottom - ((t(v) - t(lo)) / span) * (bottom - top));
  let tickValues: number[];
  if (valueTicks && distinct.length <= MAX_VALUE_TICKS) tickValues = distinct;
  else if (log) tickValues = niceTicks(Math.ceil(Math.log10(lo)), Math.floor(Math.log10(hi)), 5).filter(Number.isInteger).map((e) => 10 ** e);
  else tickValues = niceTicks(lo, hi, 5).filter((v) => v >= lo && v <= hi);
  if (tickValues.length < 2) tickValues = span === 0 ? [lo] : [lo, hi];
  return {
    kind: log ? 'log' : 'numeric',
    y: (v) => (typeof v === 'number' && Number.isFinite(v) ? y(v) : undefined),
    ticks: tickValues.map((v) => ({ y: y(v), label: formatTick(v) })),
  };
}

function categoricalScale(values: ParamValue[], top: number, bottom: number): AxisScale {
  const categories: ParamValue[] = [...new Set(values.filter((v) => v !== undefined))].sort(compareParamValues);
  const step = categories.length > 1 ? (bottom - top) / (categories.length - 1) : 0;
  const yAt = (i: number) => (categories.length > 1 ? bottom - i * step : (top + bottom) / 2);
  return {
    kind: 'categorical',
    y: (v) => {
      const i = categories.indexOf(v);
      return i < 0 ? undefined : yAt(i);
    },
    ticks: categories.map((v, i) => ({ y: yAt(i), label: formatParamValue(v) })),
  };
}

function axisScale(values: ParamValue[], top: number, bottom: number, valueTicks: boolean): AxisScale {
  const present = values.filter((v) => v !== undefined);
  if (present.length > 0 && present.every((v) => typeof v === 'number' && Number.isFinite(v))) return numericScale(present as number[], top, bottom, valueTicks);
  return categoricalScale(values, top, bottom);
}

/**
 * Axes for `params` (in that order) and a last one for the metric, `metricLabel` naming it;
 * lines in the order of `runs`.
 */
export function layoutParallelCoordinates(runs: readonly ParallelRun[], params: readonly string[], metricLabel: string, box: ParallelBox = DEFAULT_BOX): ParallelLayout {
  const top = box.top;
  const bottom = box.height - box.bottom;
  const count = params.length + 1;
  const xAt = (i: number) => (count === 1 ? (box.left + box.width - box.right) / 2 : box.left + (i * (box.width - box.right - box.left)) / (count - 1));

  const columns: Array<{ name: string; label: string; values: ParamValue[]; valueTicks: boolean }> = [
    ...params.map((name) => ({ name, label: name, values: runs.map((r) => paramValue(r.config, name)), valueTicks: true })),
    { name: 'metric', label: metricLabel, values: runs.map((r) => (r.value !== undefined && Number.isFinite(r.value) ? r.value : undefined)), valueTicks: false },
  ];
  const scaled = columns.map((c, i) => {
    const scale = axisScale(c.values, top, bottom, c.valueTicks);
    const missing = c.values.some((v) => scale.y(v) === undefined);
    const axis: ParallelAxis = { name: c.name, label: c.label, x: xAt(i), kind: scale.kind, ticks: scale.ticks, ...(missing ? { missingY: bottom + MISSING_GAP } : {}) };
    return { ...c, scale, axis };
  });
  const axes = scaled.map((c) => c.axis);

  const metricValues = (scaled.at(-1)?.values ?? []).filter((v): v is number => v !== undefined);
  const min = metricValues.length ? Math.min(...metricValues) : undefined;
  const max = metricValues.length ? Math.max(...metricValues) : undefined;
  const colorOf = (value: number | undefined) => {
    if (value === undefined || !Number.isFinite(value) || min === undefined || max === undefined) return NO_VALUE_COLOR;
    return rampColor(max === min ? 0.5 : (value - min) / (max - min));
  };

  const lines = runs.map((run, r) => ({
    id: run.id,
    label: run.label,
    ...(run.value !== undefined && Number.isFinite(run.value) ? { value: run.value } : {}),
    color: colorOf(run.value),
    points: scaled.map(({ axis, scale, values }) => [axis.x, scale.y(values[r]) ?? (axis.missingY as number)] as const),
  }));
  return { axes, lines, ...(min !== undefined && max !== undefined ? { scale: { min, max, stops: COLOR_STOPS } } : {}) };
}
