import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ErrorCode } from '@genlab/errors';
import { canComputeElbo, canComputeIwae, canComputeLogProb, canDecode, canEncode, type GenerativeModel } from '../generative-model';
import { createModel, loadModel, loadParametersInto } from '../model-registry';
import type { ModelFamily } from '../model-family';
import { tensorDigest } from './sample-digest';
import { expectNoTensorLeak } from './tensor-leak';

export interface ContractFixture {
  readonly family: ModelFamily;
  /** Suite name when a family is run with several configs (default: the family). */
  readonly label?: string;
  /** A small config (fast tests). */
  readonly config: Record<string, unknown>;
  readonly dataShape: readonly number[];
  /** A small fixed batch `[n, ...dataShape]` the model can fit. */
  batch(): tf.Tensor;
  /** Steps for the "training lowers the loss" check (default 30). */
  readonly trainSteps?: number;
  /**
   * The batch is real-valued and the model a density on it (which may exceed 1), so
   * log p(x) > 0 is possible; default false: discrete data, log p(x) ≤ 0 is checked.
   */
  readonly continuous?: boolean;
  /** Conditional configs (`conditional: true`): the number of classes passed to `createModel`. */
  readonly numClasses?: number;
  /**
   * Conditional configs: the classes of `batch()` (int32 `[n]`), passed with it to every
   * `trainStep` and, as `options.labels`, to the estimators (`elbo`, `iwaeBound`, `logProb`).
   */
  labels?(): tf.Tensor1D;
  /**
   * Adversarial training (GANs): the returned loss (the generator's) need not fall on a fixed
   * batch, since it rises while the discriminator learns; the check is then that training
   * changes the samples.
   */
  readonly adversarial?: boolean;
}

const SEED = 1234;
const RUN_TS = resolve(__dirname, '../../scripts/run-ts.mjs');
const FRESH_PROCESS_SCRIPT = resolve(__dirname, 'fresh-process.script.ts');

const read = async (t: tf.Tensor) => {
  const values = Array.from(await t.data());
  t.dispose();
  return values;
};

/**
 * The behaviour every `GenerativeModel` family must show; call it from each family's spec
 * with a small fixture. Capability-gated checks run only where the capability is true.
 */
export function describeGenerativeModelContract(fixture: ContractFixture): void {
  describe(`GenerativeModel contract: ${fixture.label ?? fixture.family}`, () => {
    let batch: tf.Tensor;
    let labels: tf.Tensor1D | undefined;
    const build = (seed = SEED) => createModel(fixture.family, fixture.config as never, { dataShape: fixture.dataShape, seed, numClasses: fixture.numClasses });
    const live: GenerativeModel[] = [];
    const track = <M extends GenerativeModel>(m: M) => (live.push(m), m);

    beforeAll(async () => {
      await initCompute({ logger: false });
      batch = fixture.batch();
      labels = fixture.labels?.();
    });
    afterAll(() => {
      live.forEach((m) => m.dispose());
      batch.dispose();
      labels?.dispose();
    });

    it('has a method for every capability it claims, and none it does not', () => {
      const model = track(build());
      const methods = { logProb: 'logProb', elbo: 'elbo', iwae: 'iwaeBound', encode: 'encode', decode: 'decode' } as const;
      for (const [flag, method] of Object.entries(methods)) {
        expect(typeof (model as unknown as Record<string, unknown>)[method] === 'function', `${flag} ↔ ${method}()`).toBe(
          model.capabilities[flag as keyof typeof methods],
        );
      }
      expect(model.family).toBe(fixture.family);
      expect(model.dataShape).toEqual(fixture.dataShape);
    });

    it('samples [n, ...dataShape], identically for the same seed and the same run seed', async () => {
      const [a, b] = [track(build()), track(build())];
      const s1 = a.sample(5, 7);
      expect(s1.shape).toEqual([5, ...fixture.dataShape]);
      const first = await read(s1);
      expect(await read(a.sample(5, 7))).toEqual(first);
      expect(await read(b.sample(5, 7))).toEqual(first);
      expect(await read(a.sample(5, 8))).not.toEqual(first);
      expect(await read(track(build(SEED + 1)).sample(5, 7))).not.toEqual(first);
    });

    it('trains: returns a finite scalar loss, counts steps, and lowers the loss on a fixed batch', async () => {
      const model = track(build());
      const losses: number[] = [];
      const samplesBefore = fixture.adversarial ? await read(model.sample(4, 1)) : [];
      for (let step = 0; step < (fixture.trainSteps ?? 30); step += 1) {
        const loss = model.trainStep(batch, labels);
        expect(loss.rank).toBe(0);
        losses.push((await read(loss))[0]);
      }
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(model.stepCount).toBe(losses.length);
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      if (fixture.adversarial) expect(await read(model.sample(4, 1))).not.toEqual(samplesBefore);
      else expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)));
    });

    it('rejects a batch of the wrong shape with INVALID_ARGUMENT, without taking a step', () => {
      const model = track(build());
      const wrong = tf.zeros([2, 3]);
      expect(() => model.trainStep(wrong)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
      expect(model.stepCount).toBe(0);
      wrong.dispose();
    });

    it('if conditional, refuses training and estimators without labels (INVALID_ARGUMENT, no step taken)', () => {
      const model = track(build());
      expect(model.capabilities.conditional).toBe(fixture.config.conditional === true);
      if (!model.capabilities.conditional) return;
      expect(model.numClasses).toBe(fixture.numClasses);
      const invalid = expect.objectContaining({ code: ErrorCode.InvalidArgument });
      expect(() => model.trainStep(batch)).toThrow(invalid);
      expect(model.stepCount).toBe(0);
      if (canComputeElbo(model)) expect(() => model.elbo(batch)).toThrow(invalid);
      if (canComputeIwae(model)) expect(() => model.iwaeBound(batch, 2)).toThrow(invalid);
      if (model.capabilities.logProb) expect(() => model.logProb?.(batch)).toThrow(invalid);
      expect(() => createModel(fixture.family, fixture.config as never, { dataShape: fixture.dataShape, seed: SEED })).toThrow(invalid);
    });

    it('round-trips through save/load: same samples, step count and next training loss (optimiser state kept)', async () => {
      const model = track(build());
      for (let i = 0; i < 3; i += 1) model.trainStep(batch, labels).dispose();
      const bytes = await model.save();
      const restored = track(await loadModel(bytes));

      expect(restored.family).toBe(model.family);
      expect(restored.config).toEqual(model.config);
      expect(restored.dataShape).toEqual(model.dataShape);
      expect(restored.stepCount).toBe(3);
      expect(await read(restored.sample(4, 99))).toEqual(await read(model.sample(4, 99)));
      const [next, nextRestored] = [model.trainStep(batch, labels), restored.trainStep(batch, labels)];
      expect(await read(nextRestored)).toEqual(await read(next));
      expect(await read(restored.sample(4, 99))).toEqual(await read(model.sample(4, 99)));
    });

    it("takes a later checkpoint's parameters (loadParametersInto): estimates and samples as that checkpoint loaded, its own step kept, no tensor made", async () => {
      const model = track(build());
      model.trainStep(batch, labels).dispose();
      const scorer = track(await loadModel(await model.save()));
      for (let i = 0; i < 3; i += 1) model.trainStep(batch, labels).dispose();
      const later = await model.save();
      const hasEstimator = model.capabilities.logProb || model.capabilities.elbo;
      expect(typeof scorer.setParameters === 'function').toBe(hasEstimator);
      if (!hasEstimator) {
        expect(loadParametersInto(scorer, later)).toBe(false);
        return;
      }
      const tensors = tf.memory().numTensors;
      expect(loadParametersInto(scorer, later)).toBe(true);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(scorer.stepCount).toBe(1);
      const loaded = track(await loadModel(later));
      const estimate = (m: GenerativeModel) =>
        canComputeLogProb(m) ? m.logProb(batch, { seed: 7, labels }) : canComputeElbo(m) ? m.elbo(batch, { seed: 7, labels }) : tf.zeros([1]);
      expect(await read(estimate(scorer))).toEqual(await read(estimate(loaded)));
      expect(await read(scorer.sample(4, 99))).toEqual(await read(loaded.sample(4, 99)));
    });

    it('samples identically in a fresh process, from a new model and from saved bytes', async () => {
      const model = track(build());
      for (let i = 0; i < 2; i += 1) model.trainStep(batch, labels).dispose();
      const dir = mkdtempSync(join(tmpdir(), 'genlab-contract-'));
      try {
        const bytesFile = join(dir, 'model.bin');
        writeFileSync(bytesFile, await model.save());
        const spec = { family: fixture.family, config: fixture.config, dataShape: fixture.dataShape, seed: SEED, numClasses: fixture.numClasses, n: 6, sampleSeed: 5 };
        const out = execFileSync(process.execPath, [RUN_TS, FRESH_PROCESS_SCRIPT, JSON.stringify(spec), bytesFile], { encoding: 'utf8' });
        const child = JSON.parse(out) as { fresh: string; loaded: string };

        const fresh = track(build());
        const digest = async (m: GenerativeModel) => {
          const s = m.sample(6, 5);
          const d = await tensorDigest(s);
          s.dispose();
          return d;
        };
        expect(child.fresh).toBe(await digest(fresh));
        expect(child.loaded).toBe(await digest(model));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);

    it('does not leak tensors across trainStep, sample, save and its estimators', async () => {
      const model = track(build());
      await expectNoTensorLeak(() => model.trainStep(batch, labels), { label: 'trainStep' });
      await expectNoTensorLeak(() => model.sample(3, 1), { label: 'sample' });
      await expectNoTensorLeak(() => model.save(), { label: 'save' });
      if (canComputeElbo(model)) await expectNoTensorLeak(() => model.elbo(batch, { labels }), { label: 'elbo' });
      if (canComputeIwae(model)) {
        await expectNoTensorLeak(() => model.iwaeBound(batch, 7, { maxChunkElements: 64, labels }), { label: 'iwaeBound (chunked)' });
      }
      if (canEncode(model)) await expectNoTensorLeak(() => model.encode(batch), { label: 'encode' });
      if (canDecode(model) && model.latentDim) {
        const z = tf.zeros([2, model.latentDim]);
        await expectNoTensorLeak(() => model.decode(z), { label: 'decode' });
        z.dispose();
      }
    });

    it('frees every tensor it owns on dispose, and refuses use afterwards', () => {
      const before = tf.memory().numTensors;
      const model = build();
      model.trainStep(batch, labels).dispose();
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(() => model.sample(1, 1)).toThrow(expect.objectContaining({ code: ErrorCode.FailedPrecondition }));
    });

    it('bounds log p(x) consistently: per-example values in nats, IWAE-k ≥ ELBO on average', async () => {
      const model = track(build());
      if (!canComputeElbo(model) || !canComputeIwae(model)) return;
      for (let i = 0; i < 20; i += 1) model.trainStep(batch, labels).dispose();
      const n = batch.shape[0];
      const elbo = await read(model.elbo(batch, { seed: 3, labels }));
      expect(elbo).toHaveLength(n);
      expect(elbo.every(Number.isFinite)).toBe(true);
      if (!fixture.continuous) expect(elbo.every((v) => v <= 0)).toBe(true); // discrete data: log p ≤ 0
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      // Averaged over several seeds, the ELBO and IWAE-1 estimate the same quantity,
      // and the IWAE bound grows with k.
      const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
      const avg = async (f: (seed: number) => tf.Tensor1D) => mean(await Promise.all(seeds.map(async (s) => mean(await read(f(s))))));
      const elboAvg = await avg((seed) => model.elbo(batch, { seed, labels }));
      const iwae1 = await avg((seed) => model.iwaeBound(batch, 1, { seed, labels }));
      const iwae50 = await avg((seed) => model.iwaeBound(batch, 50, { seed, labels }));
      expect(Math.abs(iwae1 - elboAvg)).toBeLessThan(0.05 * Math.abs(elboAvg) + 0.5);
      expect(iwae50).toBeGreaterThan(elboAvg);
      expect(iwae50).toBeGreaterThan(iwae1);
    });

    it('computes exact log p(x): finite per-example values in nats, ≤ 0 on discrete data, no tensor leak', async () => {
      const model = track(build());
      if (!model.capabilities.logProb || typeof model.logProb !== 'function') return; // canComputeLogProb(model)
      const logProb = (x: tf.Tensor) => (model.logProb as NonNullable<GenerativeModel['logProb']>).call(model, x, { seed: 3, labels });
      for (let i = 0; i < 5; i += 1) model.trainStep(batch, labels).dispose();
      const values = logProb(batch);
      expect(values.shape).toEqual([batch.shape[0]]);
      const logP = await read(values);
      expect(logP.every(Number.isFinite)).toBe(true);
      if (!fixture.continuous) expect(logP.every((v) => v <= 0)).toBe(true); // discrete data: log p ≤ 0
      await expectNoTensorLeak(() => logProb(batch), { label: 'logProb' });
    });
  });
}
