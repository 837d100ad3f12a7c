/**
 * Eigendecomposition of a real symmetric matrix in float64: Householder reduction to
 * tridiagonal form, then implicit symmetric QR steps with Wilkinson shifts (Golub & Van
 * Loan, "Matrix Computations", §8.3). O(n³); backward stable, so every eigenvalue is
 * within a small multiple of ε·‖A‖ of the exact one and the eigenvectors are orthonormal
 * to working precision, whatever the conditioning (singular matrices included).
 *
 * Matrices are n×n row-major Float64Arrays; only the lower triangle of the input is read.
 * Every loop runs along rows (the reduction on the lower triangle, the reflectors
 * accumulated backwards, the rotations of a sweep applied a chunk of columns at a time).
 */

export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  readonly values: Float64Array;
  /** Row k (`vectors[k·n … (k+1)·n)`) is the unit eigenvector of `values[k]`. */
  readonly vectors: Float64Array;
}

/** Eigenvalues and orthonormal eigenvectors: A = Σ_k values[k] · v_k v_kᵀ. */
export function symmetricEigen(matrix: Float64Array, n: number): SymmetricEigen {
  const { values, vectors } = decompose(matrix, n, true);
  return { values, vectors: vectors as Float64Array };
}

/** Eigenvalues only (ascending): the reduction to tridiagonal form is most of the work. */
export function symmetricEigenvalues(matrix: Float64Array, n: number): Float64Array {
  return decompose(matrix, n, false).values;
}

const EPS = Number.EPSILON;
/** Off-diagonals below this (on the matrix scaled to max |entry| = 1) are zero for every purpose. */
const ABSOLUTE_FLOOR = EPS * EPS;
/** QR steps allowed per eigenvalue; convergence is cubic, so a handful normally suffice. */
const STEPS_PER_VALUE = 30;

function decompose(matrix: Float64Array, n: number, wantVectors: boolean): { values: Float64Array; vectors?: Float64Array } {
  if (matrix.length !== n * n) throw new RangeError(`symmetricEigen: expected ${n}×${n} = ${n * n} entries, got ${matrix.length}`);
  // Work on A / max|a_ij| so the absolute floor and the products below neither overflow nor underflow.
  let scale = 0;
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) scale = Math.max(scale, Math.abs(matrix[i * n + j]));
  }
  if (scale === 0) scale = 1;
  const a = new Float64Array(n * n); // lower triangle only, from here on
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) a[i * n + j] = matrix[i * n + j] / scale;
  }
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(n);
  const betas = tridiagonalize(a, n, diagonal, offDiagonal);
  // qt holds Qᵀ: row k is column k of the orthogonal transform, so the rotations run along rows.
  const qt = wantVectors ? transposeInPlace(accumulateReflectors(a, betas, n), n) : undefined;
  diagonalize(diagonal, offDiagonal, n, qt);
  return sortAscending(diagonal, qt, n, scale);
}

/**
 * A = Q T Qᵀ with T tridiagonal (`diagonal`, `offDiagonal[k]` = T[k+1][k]), working on the
 * lower triangle of `a`. Step k reflects the column below the diagonal onto its first entry
 * with H = I − β v vᵀ and updates the trailing block as A ← A − v qᵀ − q vᵀ, where p = β A v
 * and q = p − (β vᵀp / 2) v. The vectors v are left in the columns they zeroed (below the
 * subdiagonal's row), for `accumulateReflectors`; returns the β of each step (0: no reflection).
 */
function tridiagonalize(a: Float64Array, n: number, diagonal: Float64Array, offDiagonal: Float64Array): Float64Array {
  const betas = new Float64Array(n);
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k += 1) {
    const start = k + 1;
    const m = n - start;
    const x0 = a[start * n + k];
    let rest = 0;
    for (let j = 1; j < m; j += 1) rest += a[(start + j) * n + k] ** 2;
    if (rest === 0) {
      offDiagonal[k] = x0; // already reduced
      continue;
    }
    const norm = Math.sqrt(x0 * x0 + rest);
    const alpha = x0 >= 0 ? -norm : norm;
    v[0] = x0 - alpha;
    for (let j = 1; j < m; j += 1) v[j] = a[(start + j) * n + k];
    const beta = 1 / (norm * (norm + Math.abs(x0))); // 2 / vᵀv, since vᵀv = 2‖x‖(‖x‖ + |x0|)
    for (let j = 0; j < m; j += 1) a[(start + j) * n + k] = v[j];
    betas[k] = beta;

    // p = β A v from the lower triangle: entry (i, j), j < i, serves rows i and j.
    p.fill(0, 0, m);
    for (let i = 0; i < m; i += 1) {
      const row = (start + i) * n + start;
      const vi = v[i];
      let sum = a[row + i] * vi;
      for (let j = 0; j < i; j += 1) {
        const aij = a[row + j];
        sum += aij * v[j];
        p[j] += aij * vi;
      }
      p[i] += sum;
    }
    let vp = 0;
    for (let i = 0; i < m; i += 1) {
      p[i] *= beta;
      vp += v[i] * p[i];
    }
    const half = (beta * vp) / 2;
    for (let i = 0; i < m; i += 1) p[i] -= half * v[i];
    for (let i = 0; i < m; i += 1) {
      const row = (start + i) * n + start;
      const vi = v[i];
      const qi = p[i];
      for (let j = 0; j <= i; j += 1) a[row + j] -= vi * p[j] + qi * v[j];
    }
    offDiagonal[k] = alpha;
  }
  for (let i = 0; i < n; i += 1) diagonal[i] = a[i * n + i];
  if (n >= 2) offDiagonal[n - 2] = a[(n - 1) * n + n - 2];
  offDiagonal[n - 1] = 0;
  return betas;
}

/**
 * Q = H_0 H_1 ⋯ H_{n−3}, formed backwards (Q ← H_k Q from the identity): H_k only mixes
 * rows and columns k+1…n−1, where the partial product is non-trivial, so the work is about
 * (2/3)n³ multiply-adds on a shrinking trailing block.
 */
function accumulateReflectors(a: Float64Array, betas: Float64Array, n: number): Float64Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) q[i * n + i] = 1;
  const w = new Float64Array(n);
  for (let k = n - 3; k >= 0; k -= 1) {
    const beta = betas[k];
    if (beta === 0) continue;
    const start = k + 1;
    const m = n - start;
    w.fill(0, 0, m);
    for (let j = 0; j < m; j += 1) {
      const vj = a[(start + j) * n + k];
      const row = (start + j) * n + start;
      for (let c = 0; c < m; c += 1) w[c] += vj * q[row + c];
    }
    for (let j = 0; j < m; j += 1) {
      const f = beta * a[(start + j) * n + k];
      const row = (start + j) * n + start;
      for (let c = 0; c < m; c += 1) q[row + c] -= f * w[c];
    }
  }
  return q;
}

function transposeInPlace(m: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      const t = m[i * n + j];
      m[i * n + j] = m[j * n + i];
      m[j * n + i] = t;
    }
  }
  return m;
}

function negligible(d: Float64Array, e: Float64Array, i: number): boolean {
  const off = Math.abs(e[i]);
  return off <= EPS * (Math.abs(d[i]) + Math.abs(d[i + 1])) || off <= ABSOLUTE_FLOOR;
}

/**
 * Drives the off-diagonal of T to zero, deflating from the bottom. Each step works on the
 * lowest unreduced block [low, high]; rotations are accumulated into Qᵀ's rows. If the step
 * budget ran out (never seen in practice) the current, still orthogonal, state is returned
 * and callers that measure a residual will see it.
 */
function diagonalize(d: Float64Array, e: Float64Array, n: number, qt: Float64Array | undefined): void {
  let budget = STEPS_PER_VALUE * Math.max(n, 1);
  const cosines = new Float64Array(n);
  const sines = new Float64Array(n);
  let high = n - 1;
  while (high > 0) {
    for (let i = 0; i < high; i += 1) if (e[i] !== 0 && negligible(d, e, i)) e[i] = 0;
    if (e[high - 1] === 0) {
      high -= 1;
      continue;
    }
    if (budget-- <= 0) return;
    let low = high - 1;
    while (low > 0 && e[low - 1] !== 0) low -= 1;
    qrStep(d, e, low, high, cosines, sines);
    if (qt) applyRotations(qt, n, low, high, cosines, sines);
  }
}

/**
 * One implicit QR step with the Wilkinson shift on T[low…high]: a Givens rotation in plane
 * (low, low+1) chosen from the first column of T − μI, then rotations in planes (k, k+1)
 * that chase the bulge T[k+1][k−1] down and out of the block. Records each rotation's
 * (c, s) at index k.
 */
function qrStep(d: Float64Array, e: Float64Array, low: number, high: number, cosines: Float64Array, sines: Float64Array): void {
  const half = (d[high - 1] - d[high]) / 2;
  const last = e[high - 1];
  const root = Math.hypot(half, last);
  const shift = d[high] - (last * last) / (half + (half >= 0 ? root : -root));
  let x = d[low] - shift;
  let z = e[low];
  for (let k = low; k < high; k += 1) {
    // Gᵀ [x; z] = [r; 0] with G = [[c, s], [−s, c]] in plane (k, k+1).
    const r = Math.hypot(x, z);
    const c = r === 0 ? 1 : x / r;
    const s = r === 0 ? 0 : -z / r;
    cosines[k] = c;
    sines[k] = s;
    if (k > low) e[k - 1] = r;
    const dk = d[k];
    const dk1 = d[k + 1];
    const f = e[k];
    const cc = c * c;
    const ss = s * s;
    const cs = c * s;
    d[k] = dk * cc - 2 * f * cs + dk1 * ss;
    d[k + 1] = dk * ss + 2 * f * cs + dk1 * cc;
    e[k] = (dk - dk1) * cs + f * (cc - ss);
    if (k < high - 1) {
      const g = e[k + 1];
      z = -s * g; // the new bulge T[k+2][k]
      e[k + 1] = c * g;
      x = e[k];
    }
  }
}

/** Columns of Qᵀ per pass of `applyRotations`: the rows of a sweep stay in cache across its rotations. */
const ROTATION_CHUNK = 64;

/** Qᵀ ← Gᵀ Qᵀ for the step's rotations in order, chunk of columns by chunk of columns. */
function applyRotations(qt: Float64Array, n: number, low: number, high: number, cosines: Float64Array, sines: Float64Array): void {
  for (let c0 = 0; c0 < n; c0 += ROTATION_CHUNK) {
    const c1 = Math.min(n, c0 + ROTATION_CHUNK);
    for (let k = low; k < high; k += 1) {
      const c = cosines[k];
      const s = sines[k];
      const rowK = k * n;
      const rowK1 = rowK + n;
      for (let i = c0; i < c1; i += 1) {
        const qk = qt[rowK + i];
        const qk1 = qt[rowK1 + i];
        qt[rowK + i] = c * qk - s * qk1;
        qt[rowK1 + i] = s * qk + c * qk1;
      }
    }
  }
}

function sortAscending(d: Float64Array, qt: Float64Array | undefined, n: number, scale: number): { values: Float64Array; vectors?: Float64Array } {
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i] - d[j]);
  const values = Float64Array.from(order, (i) => d[i] * scale);
  if (!qt) return { values };
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => vectors.set(qt.subarray(from * n, (from + 1) * n), to * n));
  return { values, vectors };
}
