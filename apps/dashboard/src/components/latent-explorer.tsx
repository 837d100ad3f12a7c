'use client';

import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import {
  PAD_RANGE,
  decodedView,
  imageRgba,
  latentCode,
  latentToPad,
  movePoint,
  padGrid,
  padToLatent,
  pointBounds,
  type DecodedView,
  type PadPoint,
} from '@/lib/latent-explorer';
import styles from './latent-explorer.module.css';

type Tf = typeof import('@tensorflow/tfjs');

interface Loaded {
  tf: Tf;
  model: LayersModel;
}

/** What the e2e test reads: the live tensor count, to see that decoding leaks nothing. */
declare global {
  interface Window {
    __genlabLatentExplorer?: { numTensors(): number; backend: string };
  }
}

const PAD = 300;
const GRID_STEPS = 21;
const TICKS = [-3, -2, -1, 0, 1, 2, 3];

/**
 * Decode codes `[n, Z]` to a plain array; every tensor made on the way is freed. A synchronous
 * read is fine here: once per pointer move, on the CPU backend, where the values are already in memory.
 */
function decode({ tf, model }: Loaded, codes: Float32Array, n: number, latentDim: number): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor2d(codes, [n, latentDim])) as Tensor).dataSync() as Float32Array);
}

function drawImage(canvas: HTMLCanvasElement, view: Extract<DecodedView, { kind: 'image' }>, values: Float32Array): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const rgba = imageRgba(values, view.height, view.width, view.channels);
  context.putImageData(new ImageData(new Uint8ClampedArray(rgba), view.width, view.height), 0, 0);
}

/** The decoded point over the decoded grid of the whole slice (faint), on the grid's bounds. */
function drawPoint(canvas: HTMLCanvasElement, grid: Float32Array | undefined, value: Float32Array): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const { width, height } = canvas;
  const b = pointBounds(grid && grid.length ? grid : value);
  const sx = (x: number) => ((x - b.xMin) / (b.xMax - b.xMin)) * width;
  const sy = (y: number) => height - ((y - b.yMin) / (b.yMax - b.yMin)) * height;
  context.clearRect(0, 0, width, height);
  context.fillStyle = '#9aa4b2';
  for (let i = 0; grid && i + 1 < grid.length; i += 2) context.fillRect(sx(grid[i] as number) - 1.5, sy(grid[i + 1] as number) - 1.5, 3, 3);
  context.fillStyle = '#2563eb';
  context.beginPath();
  context.arc(sx(value[0] as number), sy(value[1] as number), 6, 0, 2 * Math.PI);
  context.fill();
}

/**
 * Drag a point over a 2-D slice of the latent space (two chosen dimensions, ±3 standard
 * deviations; the others held at their sliders) and see the decoder's output at once. The
 * decoder is the run's exported TensorFlow.js model, run in this browser on the CPU backend
 * (small models, and the same arithmetic as the service's).
 */
export function LatentExplorer({ modelUrl, latentDim, dataShape }: { modelUrl: string; latentDim: number; dataShape: readonly number[] }) {
  const view = useMemo(() => decodedView(dataShape), [dataShape]);
  const [loaded, setLoaded] = useState<Loaded>();
  const [loadError, setLoadError] = useState<string>();
  const [dimX, setDimX] = useState(0);
  const [dimY, setDimY] = useState<number | undefined>(latentDim > 1 ? 1 : undefined);
  const [point, setPoint] = useState<PadPoint>({ x: 0, y: 0 });
  const [fixed, setFixed] = useState<number[]>(() => new Array<number>(latentDim).fill(0));
  const [grid, setGrid] = useState<Float32Array>();
  const [stats, setStats] = useState<{ ms: number; tensors: number; decodes: number }>();
  const canvas = useRef<HTMLCanvasElement>(null);
  const dragging = useRef(false);
  const decodes = useRef(0);

  useEffect(() => {
    let cancelled = false;
    let model: LayersModel | undefined;
    (async () => {
      const tf = await import('@tensorflow/tfjs');
      await tf.setBackend('cpu');
      await tf.ready();
      const loadedModel = await tf.loadLayersModel(modelUrl);
      if (cancelled) {
        loadedModel.dispose(); // unmounted while loading: the cleanup below has already run
        return;
      }
      model = loadedModel;
      window.__genlabLatentExplorer = { numTensors: () => tf.memory().numTensors, backend: tf.getBackend() };
      setLoaded({ tf, model });
    })().catch((error: unknown) => {
      if (!cancelled) setLoadError(error instanceof Error ? error.message : String(error));
    });
    return () => {
      cancelled = true;
      model?.dispose();
      window.__genlabLatentExplorer = undefined;
    };
  }, [modelUrl]);

  const z = useMemo(() => latentCode(fixed, dimX, dimY, point), [fixed, dimX, dimY, point]);

  // 2-D data: decode a grid over the whole slice once per slice, as the backdrop for the point.
  useEffect(() => {
    if (!loaded || view.kind !== 'point') return;
    const points = padGrid(GRID_STEPS);
    const codes = new Float32Array(points.length * latentDim);
    points.forEach((p, i) => codes.set(latentCode(fixed, dimX, dimY, p), i * latentDim));
    setGrid(decode(loaded, codes, points.length, latentDim));
  }, [loaded, view, fixed, dimX, dimY, latentDim]);

  useEffect(() => {
    const target = canvas.current;
    if (!loaded || !target || view.kind === 'none') return;
    const started = performance.now();
    const values = decode(loaded, z, 1, latentDim);
    if (view.kind === 'image') drawImage(target, view, values);
    else drawPoint(target, grid, values);
    decodes.current += 1;
    target.dataset.z = Array.from(z, (v) => v.toFixed(4)).join(',');
    target.dataset.decodes = String(decodes.current);
    setStats({ ms: performance.now() - started, tensors: loaded.tf.memory().numTensors, decodes: decodes.current });
  }, [loaded, view, z, grid, latentDim]);

  const moveTo = (event: PointerEvent<SVGSVGElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    setPoint(padToLatent(((event.clientX - box.left) / box.width) * PAD, ((event.clientY - box.top) / box.height) * PAD, PAD));
  };
  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>) => {
    const next = movePoint(point, event.key, event.shiftKey);
    if (!next) return;
    event.preventDefault();
    setPoint(next);
  };
  const chooseX = (d: number) => {
    if (d === dimY) setDimY(dimX);
    setDimX(d);
  };
  const chooseY = (d: number) => {
    if (d === dimX) setDimX(dimY ?? 0);
    setDimY(d);
  };

  if (view.kind === 'none') return <p className="form-error">The decoder&apos;s output has {view.reason}.</p>;
  if (loadError) {
    return (
      <p className="form-error" role="alert" data-testid="explorer-error">
        Could not load the decoder in this browser: {loadError}
      </p>
    );
  }

  const handle = latentToPad(point, PAD);
  const dims = Array.from({ length: latentDim }, (_, d) => d);
  const others = dims.filter((d) => d !== dimX && d !== dimY);
  const name = (d: number) => `z${d + 1}`;

  return (
    <div className={styles.explorer} data-testid="latent-explorer" data-ready={loaded ? 'true' : 'false'}>
      <div className={styles.column}>
        <div className={styles.selects}>
          <label>
            x axis{' '}
            <select value={dimX} onChange={(e) => chooseX(Number(e.target.value))} data-testid="dim-x">
              {dims.map((d) => (
                <option key={d} value={d}>
                  {name(d)}
                </option>
              ))}
            </select>
          </label>
          {dimY !== undefined && (
            <label>
              y axis{' '}
              <select value={dimY} onChange={(e) => chooseY(Number(e.target.value))} data-testid="dim-y">
                {dims.map((d) => (
                  <option key={d} value={d}>
                    {name(d)}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <svg
          className={styles.pad}
          viewBox={`0 0 ${PAD} ${PAD}`}
          tabIndex={0}
          role="group"
          aria-roledescription="two-dimensional slider"
          aria-label={`Latent point: ${name(dimX)} ${point.x.toFixed(2)}${dimY !== undefined ? `, ${name(dimY)} ${point.y.toFixed(2)}` : ''}. Arrow keys move it, Shift for larger steps, Home to return to 0.`}
          data-testid="latent-pad"
          onPointerDown={(event) => {
            dragging.current = true;
            event.currentTarget.setPointerCapture(event.pointerId);
            moveTo(event);
          }}
          onPointerMove={(event) => dragging.current && moveTo(event)}
          onPointerUp={() => (dragging.current = false)}
          onPointerCancel={() => (dragging.current = false)}
          onKeyDown={onKeyDown}
        >
          {TICKS.map((t) => {
            const { px, py } = latentToPad({ x: t, y: t }, PAD);
            return (
              <g key={t}>
                <line x1={px} x2={px} y1={0} y2={PAD} className={t === 0 ? styles.axis : styles.gridLine} />
                <line y1={py} y2={py} x1={0} x2={PAD} className={t === 0 ? styles.axis : styles.gridLine} />
                {t !== 0 && Math.abs(t) !== PAD_RANGE && (
                  <text x={px + 2} y={PAD / 2 - 3} className={styles.tick}>
                    {t}
                  </text>
                )}
              </g>
            );
          })}
          <circle cx={handle.px} cy={dimY === undefined ? PAD / 2 : handle.py} r={8} className={styles.handle} data-testid="latent-handle" />
        </svg>
        <p className="muted small" aria-live="polite" data-testid="latent-point">
          {name(dimX)} = {point.x.toFixed(2)}
          {dimY !== undefined && `, ${name(dimY)} = ${point.y.toFixed(2)}`} · the pad spans ±{PAD_RANGE} standard deviations of the prior
        </p>
        {others.length > 0 && (
          <details open={others.length <= 8}>
            <summary>Other dimensions ({others.length}, held fixed)</summary>
            <div className={styles.sliders}>
              {others.map((d) => (
                <label key={d} style={{ display: 'contents' }}>
                  <span>{name(d)}</span>
                  <input
                    type="range"
                    min={-PAD_RANGE}
                    max={PAD_RANGE}
                    step={0.05}
                    value={fixed[d]}
                    data-testid={`fixed-${d}`}
                    onChange={(e) => setFixed((old) => old.map((v, i) => (i === d ? Number(e.target.value) : v)))}
                  />
                  <span className="muted">{(fixed[d] ?? 0).toFixed(2)}</span>
                </label>
              ))}
            </div>
          </details>
        )}
      </div>
      <div className={styles.column}>
        <canvas
          ref={canvas}
          className={view.kind === 'point' ? styles.scatter : view.height === 1 ? styles.strip : styles.decoded}
          width={view.kind === 'point' ? PAD : view.width}
          height={view.kind === 'point' ? PAD : view.height}
          aria-label={view.kind === 'point' ? 'The decoded point (blue) over the decoded grid of this slice' : 'The decoded image'}
          role="img"
          data-testid="decoded"
        />
        <p className="muted small" data-testid="explorer-stats">
          {!loaded
            ? 'Loading the decoder…'
            : stats && `Decoded in ${stats.ms.toFixed(1)} ms on ${loaded.tf.getBackend()} · ${stats.tensors} tensors in memory · ${stats.decodes} decodes`}
        </p>
      </div>
    </div>
  );
}
