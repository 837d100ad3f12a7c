'use client';

import { useActionState, useState } from 'react';
import { startDataEfficiency, type DataEfficiencyFormState } from '@/app/experiments/[id]/data-efficiency/actions';
import { FieldError, FormErrors } from './form-messages';

export interface LabelledDatasetOption {
  id: string;
  name: string;
  summary: string;
  /** The label counts that fit its training split. */
  defaultSizes: string;
}

/** Dataset, family, label counts, seeds and step budget of a data-efficiency sweep. */
export function DataEfficiencyForm({ experimentId, datasets, families }: { experimentId: string; datasets: LabelledDatasetOption[]; families: readonly string[] }) {
  const [state, action, pending] = useActionState<DataEfficiencyFormState, FormData>(startDataEfficiency.bind(null, experimentId), { fieldErrors: {}, formErrors: [] });
  // Controlled fields: what was typed stays after the service refuses the sweep.
  const [dataset, setDataset] = useState(datasets[0]?.id ?? '');
  const [family, setFamily] = useState<string>(families[0] ?? '');
  const [sizes, setSizes] = useState(datasets[0]?.defaultSizes ?? '100, 300, 1000');
  const [seeds, setSeeds] = useState('0, 1, 2');
  const [maxSteps, setMaxSteps] = useState('1000');
  const [config, setConfig] = useState('');
  const chooseDataset = (id: string) => {
    const before = datasets.find((d) => d.id === dataset);
    setDataset(id);
    // The suggested label counts follow the dataset, unless they were edited.
    if (sizes === before?.defaultSizes) setSizes(datasets.find((d) => d.id === id)?.defaultSizes ?? sizes);
  };
  return (
    <form action={action} className="run-form" data-testid="data-efficiency-form" noValidate>
      <FormErrors title="The training service did not start the sweep:" messages={state.formErrors} />
      <fieldset className="form-grid">
        <legend>Comparison</legend>
        <label htmlFor="dataset">Dataset</label>
        <div>
          <select id="dataset" name="dataset" value={dataset} onChange={(e) => chooseDataset(e.target.value)}>
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.summary})
              </option>
            ))}
          </select>
          <FieldError message={state.fieldErrors.dataset} />
        </div>
        <label htmlFor="family">Generative model</label>
        <div>
          <select id="family" name="family" value={family} onChange={(e) => setFamily(e.target.value)}>
            {families.map((f) => (
              <option key={f} value={f}>
                {f} (class-conditional)
              </option>
            ))}
          </select>
          <FieldError message={state.fieldErrors.family} />
        </div>
        <label htmlFor="sizes">Label counts</label>
        <div>
          <input id="sizes" name="sizes" value={sizes} onChange={(e) => setSizes(e.target.value)} />
          <div className="muted small">labelled training examples per run, class-balanced (comma-separated)</div>
          <FieldError message={state.fieldErrors.sizes} />
        </div>
        <label htmlFor="seeds">Seeds</label>
        <div>
          <input id="seeds" name="seeds" value={seeds} onChange={(e) => setSeeds(e.target.value)} />
          <div className="muted small">each label count is trained once per seed; the seed also picks the labelled subset</div>
          <FieldError message={state.fieldErrors.seeds} />
        </div>
        <label htmlFor="maxSteps">Steps per run</label>
        <div>
          <input id="maxSteps" name="maxSteps" value={maxSteps} onChange={(e) => setMaxSteps(e.target.value)} inputMode="numeric" className="short" />
          <div className="muted small">the same training budget for every label count</div>
          <FieldError message={state.fieldErrors.maxSteps} />
        </div>
        <label htmlFor="config">Other config</label>
        <div>
          <input id="config" name="config" value={config} onChange={(e) => setConfig(e.target.value)} placeholder='{"likelihood": "gaussian"}' />
          <div className="muted small">
            optional JSON object of the family&apos;s config fields shared by every run (e.g. a Gaussian likelihood for data outside [0, 1])
          </div>
          <FieldError message={state.fieldErrors.config} />
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={pending || datasets.length === 0} data-testid="start-sweep">
          {pending ? 'Starting…' : 'Start the comparison'}
        </button>
      </div>
    </form>
  );
}
