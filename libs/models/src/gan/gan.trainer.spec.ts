import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRng, initCompute, tf } from '@genlab/compute';
import { ring8 } from '@genlab/data';
import { ParameterSet } from '../nn/parameter-set';
import { parseConfig } from '../model-registry';
import { createGanNetworks } from './gan.network';
import { gradientPenalty } from './gan.objectives';
import { GanTrainer, type GanObjective } from './gan.trainer';

const read = async (t: tf.Tensor) => {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
};
const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;

/** A GAN's pieces on ring8 points, built directly so a test can step D and G separately. */
function buildMlpGan(objective: GanObjective) {
  const config = parseConfig(objective.kind === 'wgan-gp' ? 'wgan-gp' : 'dcgan', { architecture: 'mlp', latentDim: 4, hiddenDims: [32, 32] });
  const sets = { g: new ParameterSet(), d: new ParameterSet(), buffers: new ParameterSet() };
  const nets = createGanNetworks({ ...config, dataShape: [2], numClasses: 0, discriminatorBatchNorm: objective.kind !== 'wgan-gp' }, sets, 11);
  const trainer = new GanTrainer({
    ...nets,
    generatorParams: sets.g,
    discriminatorParams: sets.d,
    latentDim: 4,
    objective,
    adam: { learningRate: 1e-3, beta1: 0.5, beta2: 0.9 },
  });
  const dispose = () => {
    trainer.dispose();
    Object.values(sets).forEach((s) => s.dispose());
  };
  return { nets, trainer, sets, dispose };
}

describe('GanTrainer', () => {
  beforeAll(() => initCompute({ logger: false }));
  const real = () => tf.tensor2d(ring8.sample(64, 3).x, [64, 2]);

  it('dcgan: the discriminator learns to separate real points from a frozen generator’s samples', async () => {
    const { nets, trainer, sets, dispose } = buildMlpGan({ kind: 'non-saturating' });
    const x = real();
    const rng = new SeededRng(5);
    const gBefore = await sets.g.toRecords();
    const losses: number[] = [];
    for (let i = 0; i < 150; i += 1) losses.push((await read(tf.tidy(() => trainer.discriminatorStep(x, undefined, rng))))[0]);
    expect(trainer.generatorSteps).toBe(0);
    expect(trainer.discriminatorSteps).toBe(150);
    // The generator was not touched.
    (await sets.g.toRecords()).forEach((r, i) => expect(Array.from(r.data)).toEqual(Array.from(gBefore[i].data)));

    expect(losses[0]).toBeGreaterThan(1); // ≈ 2·ln 2 for an undecided D
    expect(mean(losses.slice(-10))).toBeLessThan(0.3);
    const [pReal, pFake] = await Promise.all(
      [x, tf.tidy(() => nets.generator.apply(tf.randomNormal([64, 4], 0, 1, 'float32', 9) as tf.Tensor2D, { training: true, updateStats: false }))].map(
        (batch) => read(tf.tidy(() => tf.sigmoid(nets.discriminator.apply(batch, { mode: { training: true, updateStats: false } })))),
      ),
    );
    expect(mean(pReal)).toBeGreaterThan(0.85);
    expect(mean(pFake)).toBeLessThan(0.15);
    x.dispose();
    dispose();
  });

  it('dcgan: one step, sharing G(z) between both updates, equals a D update on G(z) then a G update on the same z', async () => {
    const [shared, separate] = [buildMlpGan({ kind: 'non-saturating' }), buildMlpGan({ kind: 'non-saturating' })];
    const x = real();
    tf.tidy(() => shared.trainer.step(x, undefined, new SeededRng(8))).dispose();
    tf.tidy(() => {
      const z = tf.randomNormal([64, 4], 0, 1, 'float32', new SeededRng(8).nextSeed()) as tf.Tensor2D; // the z the step draws first
      const fake = separate.nets.generator.apply(z, { training: true, updateStats: false });
      separate.trainer.discriminatorUpdate(x, fake, undefined, undefined);
      return separate.trainer.generatorStep(64, undefined, new SeededRng(8)); // draws the same z
    }).dispose();
    for (const part of ['g', 'd', 'buffers'] as const) {
      const [a, b] = [await shared.sets[part].toRecords(), await separate.sets[part].toRecords()];
      a.forEach((r, i) => r.data.forEach((v, j) => expect(v, `${r.name}[${j}]`).toBeCloseTo(b[i].data[j], 6)));
    }
    x.dispose();
    shared.dispose();
    separate.dispose();
  });

  it('wgan-gp: the critic scores real points above a frozen generator’s, and nCritic updates run per step', async () => {
    const { nets, trainer, dispose } = buildMlpGan({ kind: 'wgan-gp', gradientPenalty: 10, nCritic: 3 });
    const x = real();
    const rng = new SeededRng(6);
    const wassersteinEstimate = async () => {
      const fake = tf.tidy(() => nets.generator.apply(tf.randomNormal([64, 4], 0, 1, 'float32', 9) as tf.Tensor2D, { training: false }));
      const mode = { training: false } as const;
      const [cReal, cFake] = [await read(nets.discriminator.apply(x, { mode })), await read(nets.discriminator.apply(fake, { mode }))];
      fake.dispose();
      return mean(cReal) - mean(cFake);
    };
    const before = await wassersteinEstimate();
    const losses: number[] = [];
    for (let i = 0; i < 200; i += 1) losses.push((await read(tf.tidy(() => trainer.discriminatorStep(x, undefined, rng))))[0]);
    // Critic loss = −(Wasserstein estimate) + λ·penalty: the penalty (≈ λ for an untrained,
    // nearly flat critic) goes, then the estimate grows: real points score above fakes.
    expect(losses[0]).toBeGreaterThan(5);
    expect(mean(losses.slice(-10))).toBeLessThan(-0.5);
    const after = await wassersteinEstimate();
    expect(after).toBeGreaterThan(before + 1); // ring8 (radius 2) against samples near the origin

    tf.tidy(() => trainer.step(x, undefined, rng)).dispose();
    expect(trainer.exportState()).toEqual({ generatorSteps: 1, discriminatorSteps: 203 });
    x.dispose();
    dispose();
  });
});

describe('gradientPenalty', () => {
  beforeAll(() => initCompute({ logger: false }));

  const real = () => tf.tensor2d([[1, 2], [-1, 0.5], [0.3, -2]]);
  const fake = () => tf.tensor2d([[0, 0], [2, 1], [-0.5, 0.5]]);
  const epsilon = () => tf.tensor1d([0.25, 0.5, 0.9]);

  it('is (‖w‖ − 1)² for a linear critic x·w', async () => {
    const w = tf.tensor2d([[0.6], [1.2]]);
    const gp = gradientPenalty((x) => tf.matMul(x as tf.Tensor2D, w).reshape([-1]), real(), fake(), epsilon());
    const norm = Math.hypot(0.6, 1.2);
    expect((await read(gp))[0]).toBeCloseTo((norm - 1) ** 2, 5);
  });

  it('matches a direct computation for C(x) = a·‖x‖², and its gradient in a (a gradient of a gradient)', async () => {
    // ∇C(x̂) = 2a·x̂, so GP(a) = mean_i (2a‖x̂_i‖ − 1)² and dGP/da = mean_i 4‖x̂_i‖(2a‖x̂_i‖ − 1) for a > 0.
    const [r, f, e] = [real(), fake(), epsilon()];
    const [rv, fv, ev] = [(await r.array()) as number[][], (await f.array()) as number[][], Array.from(await e.data())];
    const norms = rv.map((row, i) => Math.hypot(...row.map((v, j) => ev[i] * v + (1 - ev[i]) * fv[i][j])));
    const a = 0.7;
    const expected = mean(norms.map((q) => (2 * a * q - 1) ** 2));
    const expectedGrad = mean(norms.map((q) => 4 * q * (2 * a * q - 1)));

    const av = tf.variable(tf.scalar(a));
    const critic = (x: tf.Tensor) => tf.mul(av, tf.sum(tf.square(x), 1)) as tf.Tensor1D;
    const { value, grads } = tf.variableGrads(() => gradientPenalty(critic, r, f, e), [av]);
    expect((await read(value))[0]).toBeCloseTo(expected, 4);
    expect((await read(grads[av.name]))[0]).toBeCloseTo(expectedGrad, 3);
    tf.dispose([r, f, e, av]);
  });

  it('differentiates through a conv critic on wasm as on cpu (Conv2DBackpropFilter inside a gradient of a gradient)', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      try {
        const r = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 1);
        const f = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 2);
        const e = tf.tensor1d([0.2, 0.5, 0.7]);
        const w = tf.variable(tf.randomNormal([4, 4, 1, 4], 0, 0.3, 'float32', 3));
        const v = tf.variable(tf.randomNormal([64, 1], 0, 0.3, 'float32', 4));
        const critic = (x: tf.Tensor) => {
          const h = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same');
          return tf.matMul(tf.add(tf.mul(0.2, h), tf.mul(0.8, tf.relu(h))).reshape([-1, 64]), v).reshape([-1]) as tf.Tensor1D;
        };
        const { value, grads } = tf.variableGrads(() => gradientPenalty(critic, r, f, e), [w, v]);
        const out = [await read(value), await read(grads[w.name]), await read(grads[v.name])];
        tf.dispose([r, f, e, w, v]);
        return out.flat();
      } finally {
        await tf.setBackend('wasm');
      }
    };
    const [cpu, wasm] = [await run('cpu'), await run('wasm')];
    wasm.forEach((x, i) => expect(x).toBeCloseTo(cpu[i], 4));
  });
});
