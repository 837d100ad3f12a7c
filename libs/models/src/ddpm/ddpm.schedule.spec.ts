import { describe, expect, it } from 'vitest';
import { createSchedule } from './ddpm.schedule';

describe('ddpm schedules', () => {
  it("linear at T = 1000 is Ho et al.'s: β from 1e-4 to 0.02, ᾱ_1 = 1 − 1e-4, ᾱ_1000 ≈ 4.04e-5", () => {
    const s = createSchedule('linear', 1000);
    expect(s.betas[0]).toBeCloseTo(1e-4, 12);
    expect(s.betas[999]).toBeCloseTo(0.02, 12);
    expect(s.betas[500] - s.betas[499]).toBeCloseTo((0.02 - 1e-4) / 999, 12);
    expect(s.alphaBars[0]).toBeCloseTo(1 - 1e-4, 12);
    expect(s.alphaBars[1]).toBeCloseTo((1 - 1e-4) * (1 - 1e-4 - (0.02 - 1e-4) / 999), 12);
    expect(s.alphaBars[999]).toBeGreaterThan(4.02e-5);
    expect(s.alphaBars[999]).toBeLessThan(4.05e-5);
  });

  it('linear at other T is rescaled by 1000/T, so ᾱ_T stays near 0', () => {
    const s = createSchedule('linear', 100);
    expect(s.betas[0]).toBeCloseTo(1e-3, 12);
    expect(s.betas[99]).toBeCloseTo(0.2, 12);
    expect(s.alphaBars[99]).toBeLessThan(1e-4);
  });

  it('cosine follows ᾱ_t = f(t)/f(0), f(t) = cos²(((t/T + 0.008)/1.008)·π/2), with β clipped at 0.999', () => {
    const T = 1000;
    const s = createSchedule('cosine', T);
    const f = (t: number) => Math.cos(((t / T + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (const t of [1, 10, 250, 500, 900]) expect(s.alphaBars[t - 1]).toBeCloseTo(f(t) / f(0), 10);
    expect(s.alphaBars[499]).toBeCloseTo(0.4938, 3); // about half the signal variance left at T/2
    expect(Math.max(...s.betas)).toBeLessThanOrEqual(0.999);
    expect(s.betas[T - 1]).toBe(0.999);
    expect(s.alphaBars[T - 1]).toBeLessThan(1e-6);
  });

  it("uses the posterior variance β̃_t for the reverse process, and β̃_2 for the decoder at t = 1", () => {
    const s = createSchedule('linear', 50);
    expect(s.posteriorVariances[0]).toBe(0);
    const t = 10;
    expect(s.posteriorVariances[t - 1]).toBeCloseTo((s.betas[t - 1] * (1 - s.alphaBars[t - 2])) / (1 - s.alphaBars[t - 1]), 12);
    expect(s.reverseLogVariances[t - 1]).toBeCloseTo(Math.log(s.posteriorVariances[t - 1]), 12);
    expect(s.reverseLogVariances[0]).toBeCloseTo(Math.log(s.posteriorVariances[1]), 12);
  });
});
