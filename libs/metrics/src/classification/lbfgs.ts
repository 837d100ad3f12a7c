/**
 * Limited-memory BFGS (Nocedal & Wright, "Numerical Optimization", Algorithm 7.4 and 7.5) for
 * smooth unconstrained minimisation in float64, with a backtracking Armijo line search. Fully
 * deterministic: no randomness, fixed operation order. The event loop gets a turn after every
 * iteration.
 */

/** Returns f(θ) and writes ∇f(θ) into `gradient`. */
export type Objective = (theta: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  /** Iterations at most (default 500). */
  readonly maxIterations?: number;
  /** Stop when max |∂f/∂θ_j| ≤ this (default 1e-6). */
  readonly gradientTolerance?: number;
  /** Correction pairs kept (default 10). */
  readonly memory?: number;
  /** After each iteration, with the objective's value; throw (e.g. CANCELLED) to stop. */
  readonly afterIteration?: (iteration: number, value: number) => void;
}

export interface LbfgsResult {
  readonly theta: Float64Array;
  readonly value: number;
  readonly iterations: number;
  /** True when the gradient tolerance was met (false: iteration limit, or no further decrease possible). */
  readonly converged: boolean;
  /** max |∂f/∂θ_j| at the returned θ. */
  readonly gradientNorm: number;
}

const ARMIJO = 1e-4;
const BACKTRACK = 0.5;
const MAX_BACKTRACKS = 40;

export async function minimizeLbfgs(objective: Objective, initial: Float64Array, options: LbfgsOptions = {}): Promise<LbfgsResult> {
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.gradientTolerance ?? 1e-6;
  const memory = options.memory ?? 10;
  const size = initial.length;
  let theta = Float64Array.from(initial);
  let gradient = new Float64Array(size);
  let value = objective(theta, gradient);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const rhos: number[] = [];
  const direction = new Float64Array(size);
  const alphas = new Float64Array(memory);
  let candidate = new Float64Array(size);
  let candidateGradient = new Float64Array(size);

  let iterations = 0;
  while (iterations < maxIterations && infinityNorm(gradient) > tolerance) {
    // Two-loop recursion: direction = −H ∇f, with H₀ = (sᵀy / yᵀy) I.
    for (let j = 0; j < size; j += 1) direction[j] = -gradient[j];
    for (let m = steps.length - 1; m >= 0; m -= 1) {
      alphas[m] = rhos[m] * dot(steps[m], direction);
      axpy(-alphas[m], changes[m], direction);
    }
    if (steps.length > 0) {
      const last = steps.length - 1;
      scale(dot(steps[last], changes[last]) / dot(changes[last], changes[last]), direction);
    }
    for (let m = 0; m < steps.length; m += 1) {
      const beta = rhos[m] * dot(changes[m], direction);
      axpy(alphas[m] - beta, steps[m], direction);
    }
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // Not a descent direction (rounding): restart from steepest descent.
      steps.length = 0;
      changes.length = 0;
      rhos.length = 0;
      for (let j = 0; j < size; j += 1) direction[j] = -gradient[j];
      slope = dot(gradient, direction);
    }

    let step = steps.length === 0 ? Math.min(1, 1 / infinityNorm(gradient)) : 1;
    let next = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < MAX_BACKTRACKS; attempt += 1) {
      for (let j = 0; j < size; j += 1) candidate[j] = theta[j] + step * direction[j];
      next = objective(candidate, candidateGradient);
      if (next <= value + ARMIJO * step * slope) break;
      step *= BACKTRACK;
    }
    if (!(next <= value + ARMIJO * step * slope)) break; // no decrease within rounding: stop where we are
    iterations += 1;

    const s = new Float64Array(size);
    const y = new Float64Array(size);
    for (let j = 0; j < size; j += 1) {
      s[j] = candidate[j] - theta[j];
      y[j] = candidateGradient[j] - gradient[j];
    }
    const curvature = dot(s, y);
    if (curvature > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (steps.length === memory) {
        steps.shift();
        changes.shift();
        rhos.shift();
      }
      steps.push(s);
      changes.push(y);
      rhos.push(1 / curvature);
    }
    [theta, candidate] = [candidate, theta];
    [gradient, candidateGradient] = [candidateGradient, gradient];
    value = next;
    options.afterIteration?.(iterations, value);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const gradientNorm = infinityNorm(gradient);
  return { theta, value, iterations, converged: gradientNorm <= tolerance, gradientNorm };
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < a.length; j += 1) sum += a[j] * b[j];
  return sum;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let j = 0; j < x.length; j += 1) y[j] += alpha * x[j];
}

function scale(alpha: number, x: Float64Array): void {
  for (let j = 0; j < x.length; j += 1) x[j] *= alpha;
}

function infinityNorm(x: Float64Array): number {
  let max = 0;
  for (let j = 0; j < x.length; j += 1) max = Math.max(max, Math.abs(x[j]));
  return max;
}
