import { imageGrid } from './image-grid.render';
import { scatterPlotPng } from './scatter-plot.render';

/** A picture of examples: a tiled grid for images ([h, w, c]), a scatter plot for 2-D points. */
export function renderExamplesPng(values: Float32Array, count: number, shape: readonly number[], columns?: number): Buffer {
  if (shape.length === 3) return imageGrid(values, count, shape as [number, number, number], { columns });
  if (shape.length === 1 && shape[0] === 2) return scatterPlotPng(values.subarray(0, count * 2));
  if (shape.length === 1) return imageGrid(values, count, [1, shape[0] as number, 1]);
  throw new Error(`no picture for examples of shape [${shape.join(', ')}]`);
}
