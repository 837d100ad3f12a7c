import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, unary } from '@genlab/client';
import { trainingV1, type datasetsV1 } from '@genlab/contracts';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { startStack, type Stack } from '../support/stack';

// The latent explorer against the real services and Chromium: export a run's decoder from the
// page, load it in the browser with TensorFlow.js, drag the point and check the decoded pixels
// against the generation service's own decoding, with a flat tensor count.

const SHARED_DATA = resolve(__dirname, '../../../shared/data');

let stack: Stack;
let browser: Browser;
let mnist: datasetsV1.Dataset;
let ring: datasetsV1.Dataset;
const runs: Record<'mlp' | 'conv' | 'conditional' | 'ring', trainingV1.Run> = {} as never;

async function train(experimentId: string, datasetId: string, config: object, seed: number): Promise<trainingV1.Run> {
  const { training } = stack.clients;
  const run = await unary(training.startRun, training, { experimentId, datasetId, family: 'vae', configJson: JSON.stringify(config), seed });
  const final = (await collect(training.streamRunEvents({ runId: run.id, includeHistory: false }))).at(-1)!.status!;
  expect(final.status, final.error).toBe(trainingV1.RunStatus.RUN_STATUS_COMPLETED);
  return final;
}

/**
 * The service's decoding of z = 0 as 8-bit grey values: Sample draws z ~ N(0, temperature²),
 * so a temperature of 1e-30 decodes z = 0 to float precision.
 */
async function serviceDecodeOfZero(runId: string): Promise<number[]> {
  const { generation } = stack.clients;
  const chunks = await collect(
    generation.sample({ runId, checkpointId: '', count: 1, seed: 1, temperature: 1e-30, chunkSize: 0, includePng: false, truncation: 0, diffusionSteps: 0 }),
  );
  const bytes = Buffer.concat(chunks.map((c) => c.values));
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return Array.from(values, (v) => (v > 0 ? (v < 1 ? Math.round(v * 255) : 255) : 0));
}

/** The decoded canvas' red channel (grey images: the value itself). */
const canvasPixels = (page: Page) =>
  page.getByTestId('decoded').evaluate((canvas) => {
    const c = canvas as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    return Array.from({ length: c.width * c.height }, (_, i) => data[i * 4] as number);
  });

const decodedZ = (page: Page) => page.getByTestId('decoded').getAttribute('data-z');
const numTensors = (page: Page) => page.evaluate(() => (globalThis as unknown as { __genlabLatentExplorer: { numTensors(): number } }).__genlabLatentExplorer.numTensors());
const maxDiff = (a: number[], b: number[]) => a.reduce((worst, v, i) => Math.max(worst, Math.abs(v - (b[i] as number))), 0);

const screenshot = (page: Page, name: string) => saveScreenshot(page, `latent-explorer-${name}`);

/** Open the explorer, export the decoder from the page, and wait until the browser has decoded z = 0. */
async function openAndExport(page: Page, runId: string): Promise<void> {
  await page.goto(`${stack.dashboardUrl}/runs/${runId}/explore`);
  await page.getByTestId('export-decoder').click();
  await page.locator('[data-testid="latent-explorer"][data-ready="true"]').waitFor({ timeout: 60_000 });
  await expect.poll(() => page.getByTestId('decoded').getAttribute('data-decodes')).not.toBeNull();
}

/** Drag the pad's handle from the centre by (dx, dy) pad fractions, in `steps` pointer moves. */
async function drag(page: Page, dx: number, dy: number, steps = 20): Promise<void> {
  const box = (await page.getByTestId('latent-pad').boundingBox())!;
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + dx * box.width, cy + dy * box.height, { steps });
  await page.mouse.up();
}

beforeAll(async () => {
  stack = await startStack({ dashboard: true, importRoot: SHARED_DATA });
  browser = await launchBrowser();
  const { datasets, training } = stack.clients;
  mnist = await unary(datasets.importIdx, datasets, {
    name: 'mnist-10k',
    imagesPath: 'mnist/t10k-images-idx3-ubyte.gz',
    labelsPath: 'mnist/t10k-labels-idx1-ubyte.gz',
    testCount: 2000,
  });
  ring = await unary(datasets.createSynthetic, datasets, { name: 'ring8', generator: 'ring8', numExamples: 2000, seed: 3, testCount: 500 });
  const experiment = await unary(training.createExperiment, training, { name: 'latent-explorer', description: 'decoders in the browser' });
  const short = { batchSize: 100, maxSteps: 30 };
  runs.mlp = await train(experiment.id, mnist.id, { latentDim: 2, hiddenDims: [64], ...short }, 1);
  runs.conv = await train(experiment.id, mnist.id, { architecture: 'conv', latentDim: 3, convChannels: [4, 8], batchSize: 100, maxSteps: 10 }, 2);
  runs.conditional = await train(experiment.id, mnist.id, { latentDim: 2, hiddenDims: [16], conditional: true, batchSize: 100, maxSteps: 5 }, 3);
  runs.ring = await train(experiment.id, ring.id, { likelihood: 'gaussian', latentDim: 2, hiddenDims: [16], batchSize: 500, maxSteps: 6 }, 4);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('latent explorer', () => {
  it('exports an MLP VAE decoder from the run page, decodes z = 0 as the service does, and decodes live while dragging without leaking tensors', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`${stack.dashboardUrl}/runs/${runs.mlp.id}`);
    await page.getByTestId('explore-link').click();
    await page.waitForURL(/\/explore$/);
    await screenshot(page, 'before-export');
    await page.getByTestId('export-decoder').click();
    await page.locator('[data-testid="latent-explorer"][data-ready="true"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => decodedZ(page)).toBe('0.0000,0.0000');
    expect(await page.evaluate(() => (globalThis as unknown as { __genlabLatentExplorer: { backend: string } }).__genlabLatentExplorer.backend)).toBe('cpu');

    const atZero = await canvasPixels(page);
    expect(atZero).toHaveLength(28 * 28);
    const service = await serviceDecodeOfZero(runs.mlp.id);
    expect(maxDiff(atZero, service)).toBeLessThanOrEqual(1); // 8-bit rounding of float32 values
    expect(new Set(atZero).size).toBeGreaterThan(10); // a picture, not a blank

    const tensors = await numTensors(page);
    await drag(page, 0.3, -0.2); // to about z = (1.8, 1.2)
    await expect.poll(() => decodedZ(page)).not.toBe('0.0000,0.0000');
    const [zA, imageA] = [await decodedZ(page), await canvasPixels(page)];
    const [x, y] = zA!.split(',').map(Number);
    expect(x).toBeCloseTo(1.8, 0);
    expect(y).toBeCloseTo(1.2, 0);
    expect(maxDiff(imageA, atZero)).toBeGreaterThan(20);
    expect(await numTensors(page)).toBe(tensors);
    await screenshot(page, 'mlp-dragged');

    await drag(page, -0.4, 0.35);
    await expect.poll(() => decodedZ(page)).not.toBe(zA);
    const imageB = await canvasPixels(page);
    expect(maxDiff(imageB, imageA)).toBeGreaterThan(20);
    expect(await numTensors(page)).toBe(tensors);

    // The keyboard: Home returns to the origin (the same pixels as before: decoding is
    // deterministic), arrows step by 0.1.
    await page.getByTestId('latent-pad').focus();
    await page.keyboard.press('Home');
    await expect.poll(() => decodedZ(page)).toBe('0.0000,0.0000');
    expect(await canvasPixels(page)).toEqual(atZero);
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    await expect.poll(() => decodedZ(page)).toBe('0.5000,-0.5000');
    expect(await numTensors(page)).toBe(tensors);

    // Back later: the exported decoder is found, no second export.
    await page.reload();
    await page.locator('[data-testid="latent-explorer"][data-ready="true"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('export-decoder').count()).toBe(0);
    await expect.poll(() => decodedZ(page)).toBe('0.0000,0.0000');
    expect(await canvasPixels(page)).toEqual(atZero);
    await page.close();
  });

  it('explores a conv VAE (three latent dimensions: two on the pad, one on a slider) and matches the service at z = 0', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await openAndExport(page, runs.conv.id);
    await expect.poll(() => decodedZ(page)).toBe('0.0000,0.0000,0.0000');
    const atZero = await canvasPixels(page);
    expect(maxDiff(atZero, await serviceDecodeOfZero(runs.conv.id))).toBeLessThanOrEqual(1);

    const tensors = await numTensors(page);
    // Set the slider as a person would, through the input's native value setter and an input event (what React listens to).
    await page.getByTestId('fixed-2').evaluate((input) => {
      const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(input), 'value')!.set!;
      setter.call(input, '2');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await expect.poll(() => decodedZ(page)).toBe('0.0000,0.0000,2.0000');
    await page.getByTestId('dim-y').selectOption('2'); // the slider's dimension moves onto the pad
    await drag(page, -0.25, 0.25);
    await expect.poll(() => decodedZ(page)).toMatch(/^-1\.\d+,0\.0000,-1\.\d+$/);
    expect(maxDiff(await canvasPixels(page), atZero)).toBeGreaterThan(0);
    expect(await numTensors(page)).toBe(tensors);
    await screenshot(page, 'conv');
    await page.close();
  });

  it('says why a class-conditional VAE has no decoder to explore', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    await page.goto(`${stack.dashboardUrl}/runs/${runs.conditional.id}/explore`);
    await page.getByTestId('export-decoder').click();
    const error = page.getByTestId('export-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/class-conditional.*only unconditional VAEs \(MLP or conv\) export a decoder/);
    await screenshot(page, 'conditional-refused');
    await page.close();
  });

  it('shows 2-D data as a point over the decoded slice and moves it while dragging', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await openAndExport(page, runs.ring.id);
    await expect.poll(() => decodedZ(page)).toBe('0.0000,0.0000');
    const before = await canvasPixels(page);
    const tensors = await numTensors(page);
    await drag(page, 0.35, 0.35);
    await expect.poll(() => decodedZ(page)).not.toBe('0.0000,0.0000');
    expect(maxDiff(await canvasPixels(page), before)).toBeGreaterThan(0);
    expect(await numTensors(page)).toBe(tensors);
    await screenshot(page, 'ring8');
    await page.close();
  });
});
