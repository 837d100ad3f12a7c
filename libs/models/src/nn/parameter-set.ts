import { tf } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';
import type { TensorRecord } from '../serialization/model-bytes';

/**
 * A model's trainable variables by stable logical name, in creation order (the order
 * optimiser state follows). tfjs variable names stay auto-generated, so any number of
 * models can live in one process. Built from saved records, it takes each value from the
 * record of the same name instead of running the initialiser.
 */
export class ParameterSet {
  private readonly byName = new Map<string, tf.Variable>();

  constructor(private readonly saved?: ReadonlyMap<string, TensorRecord>) {}

  add(name: string, shape: readonly number[], init: () => tf.Tensor): tf.Variable {
    if (this.byName.has(name)) throw new Error(`parameter '${name}' is defined twice`);
    const variable = tf.tidy(() => tf.variable(this.saved ? tensorFromRecord(this.saved, name, shape) : init(), true));
    this.byName.set(name, variable);
    return variable;
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  get variables(): tf.Variable[] {
    return [...this.byName.values()];
  }

  /** Number of scalar parameters. */
  get size(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  /**
   * Replaces every value with the saved record of the same name (and shape): all are read and
   * checked before any variable changes, so a missing or misshapen record changes nothing.
   */
  assign(saved: ReadonlyMap<string, TensorRecord>): void {
    tf.tidy(() => {
      const values = [...this.byName].map(([name, variable]) => tensorFromRecord(saved, name, variable.shape));
      this.variables.forEach((variable, i) => variable.assign(values[i] as tf.Tensor));
    });
  }

  /** Reads every value for saving; the reads are issued synchronously, so they see one state. */
  toRecords(prefix = ''): Promise<TensorRecord[]> {
    return readRecords([...this.byName].map(([name, v]) => [prefix + name, v]));
  }

  dispose(): void {
    tf.dispose(this.variables);
    this.byName.clear();
  }
}

/** A saved tensor as a new float32 tensor, after checking that it exists and has `shape`. */
export function tensorFromRecord(records: ReadonlyMap<string, TensorRecord>, name: string, shape: readonly number[]): tf.Tensor {
  const record = records.get(name);
  if (!record) throw invalidArgument(`model bytes: tensor '${name}' is missing`);
  if (record.dtype !== 'float32' || record.shape.length !== shape.length || record.shape.some((d, i) => d !== shape[i])) {
    throw invalidArgument(
      `model bytes: tensor '${name}' is ${record.dtype}[${record.shape.join(', ')}], expected float32[${shape.join(', ')}]`,
    );
  }
  return tf.tensor(record.data, [...shape], 'float32');
}

export async function readRecords(named: readonly (readonly [string, tf.Tensor])[]): Promise<TensorRecord[]> {
  const data = await Promise.all(named.map(([, t]) => t.data() as Promise<Float32Array>));
  return named.map(([name, t], i) => ({ name, dtype: 'float32', shape: [...t.shape], data: data[i] }));
}
