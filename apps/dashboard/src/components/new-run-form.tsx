'use client';

import { startTransition, useActionState, useState, type FormEvent } from 'react';
import { startRunFromForm, type NewRunState } from '@/app/runs/new/actions';
import { describeRule, readField, type ConfigField } from '@/lib/config-form';
import { FieldError, FormErrors } from './form-messages';

export interface FamilyOption {
  name: string;
  density: string;
  description: string;
  fields: ConfigField[];
}

export interface DatasetOption {
  id: string;
  name: string;
  summary: string;
}

export interface ExperimentOption {
  id: string;
  name: string;
}

const DENSITY: Record<string, string> = {
  'explicit-exact': 'exact likelihood',
  'explicit-approximate': 'likelihood bound',
  implicit: 'implicit: samples only',
};

const defaultsOf = (family: FamilyOption | undefined) =>
  Object.fromEntries((family?.fields ?? []).map((f) => [f.name, f.defaultText]));

/**
 * Family, dataset, experiment, seed, and the family's config as a form generated from its
 * JSON Schema. Fields are checked against the schema as they change; the server checks
 * again and the training service has the last word, its messages shown beside the fields.
 */
export function NewRunForm({ families, datasets, experiments, initial }: {
  families: FamilyOption[];
  datasets: DatasetOption[];
  experiments: ExperimentOption[];
  initial: { family?: string; dataset?: string; experiment?: string };
}) {
  const [state, action, pending] = useActionState<NewRunState, FormData>(startRunFromForm, { fieldErrors: {}, formErrors: [] });
  const [familyName, setFamilyName] = useState(initial.family && families.some((f) => f.name === initial.family) ? initial.family : (families[0]?.name ?? ''));
  const [dataset, setDataset] = useState(initial.dataset ?? datasets[0]?.id ?? '');
  const [experiment, setExperiment] = useState(initial.experiment ?? experiments[0]?.id ?? '');
  const [newExperiment, setNewExperiment] = useState(experiments.length === 0 ? 'my-experiment' : '');
  const [seed, setSeed] = useState('1');
  const [values, setValues] = useState<Record<string, Record<string, string>>>(() =>
    Object.fromEntries(families.map((f) => [f.name, defaultsOf(f)])),
  );
  // Server messages stay until the field they are about changes.
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);

  const family = families.find((f) => f.name === familyName);
  const current = values[familyName] ?? {};
  const clientErrors = Object.fromEntries(
    (family?.fields ?? []).flatMap((f) => {
      const { error } = readField(f, current[f.name]);
      return error ? [[f.name, error]] : [];
    }),
  );
  const errorOf = (name: string): string | undefined =>
    (submitted || current[name] !== defaultsOf(family)[name] ? clientErrors[name] : undefined) ??
    (edited.has(name) ? undefined : state.fieldErrors[name]);

  const change = (name: string, value: string) => {
    setValues((all) => ({ ...all, [familyName]: { ...all[familyName], [name]: value } }));
    setEdited((e) => new Set(e).add(name));
  };
  // Submitted by hand rather than through <form action>: React resets a form after its action
  // runs, and a reset <select> would no longer show the value the state holds.
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSubmitted(true);
    setEdited(new Set());
    if (Object.keys(clientErrors).length > 0) return;
    const data = new FormData(event.currentTarget);
    startTransition(() => action(data));
  };

  const groups = [
    { title: 'Model', fields: family?.fields.filter((f) => f.group === 'model') ?? [] },
    { title: 'Training', fields: family?.fields.filter((f) => f.group === 'training') ?? [] },
  ];

  return (
    <form onSubmit={onSubmit} className="run-form" data-testid="new-run-form" noValidate>
      <FormErrors title="The training service did not start the run:" messages={state.formErrors} />

      <fieldset>
        <legend>Family</legend>
        <div className="family-options">
          {families.map((f) => (
            <label key={f.name} className={`family-option${f.name === familyName ? ' selected' : ''}`}>
              <input type="radio" name="family" value={f.name} checked={f.name === familyName} onChange={() => setFamilyName(f.name)} />
              <span className="family-name">{f.name}</span>
              <span className={`density density-${f.density}`}>{DENSITY[f.density] ?? f.density}</span>
              <span className="muted small">{f.description}</span>
            </label>
          ))}
        </div>
        <FieldError message={state.fieldErrors.family} />
      </fieldset>

      <fieldset className="form-grid">
        <legend>Data and bookkeeping</legend>
        <label htmlFor="dataset">Dataset</label>
        <div>
          <select id="dataset" name="dataset" value={dataset} onChange={(e) => setDataset(e.target.value)}>
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.summary})
              </option>
            ))}
          </select>
          <FieldError message={edited.has('dataset') ? undefined : state.fieldErrors.dataset} />
        </div>
        <label htmlFor="experiment">Experiment</label>
        <div>
          <div className="inline-fields">
            <select id="experiment" name="experiment" value={experiment} onChange={(e) => setExperiment(e.target.value)} disabled={newExperiment !== ''}>
              {experiments.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
            <span className="muted">or a new one:</span>
            <input name="newExperiment" value={newExperiment} onChange={(e) => setNewExperiment(e.target.value)} placeholder="new experiment name" aria-label="New experiment name" />
          </div>
          <FieldError message={state.fieldErrors.experiment} />
        </div>
        <label htmlFor="seed">Seed</label>
        <div>
          <input id="seed" name="seed" value={seed} onChange={(e) => setSeed(e.target.value)} inputMode="numeric" className="short" />
          <span className="muted small"> the same seed, config and data give the same run</span>
          <FieldError message={state.fieldErrors.seed} />
        </div>
      </fieldset>

      {groups.map(
        (group) =>
          group.fields.length > 0 && (
            <fieldset key={group.title} className="form-grid" data-testid={`config-${group.title.toLowerCase()}`}>
              <legend>
                {group.title} <span className="muted small">({family?.name} config; blank fields take the default)</span>
              </legend>
              {group.fields.map((field) => (
                <ConfigInput key={field.name} field={field} value={current[field.name] ?? ''} error={errorOf(field.name)} onChange={(v) => change(field.name, v)} />
              ))}
            </fieldset>
          ),
      )}

      <div className="form-actions">
        <button type="submit" className="primary" disabled={pending || families.length === 0 || datasets.length === 0} data-testid="start-run">
          {pending ? 'Starting…' : 'Start run'}
        </button>
        {Object.keys(clientErrors).length > 0 && submitted && <span className="form-error">Fix the fields marked above first.</span>}
      </div>
    </form>
  );
}

function ConfigInput({ field, value, error, onChange }: { field: ConfigField; value: string; error?: string; onChange: (value: string) => void }) {
  const id = `config-${field.name}`;
  const name = `config.${field.name}`;
  const hint =
    field.kind === 'integer' || field.kind === 'number'
      ? describeRule(field)
      : field.kind === 'integer-list' || field.kind === 'number-list'
        ? `comma-separated, each ${describeRule(field)}`
        : undefined;
  return (
    <>
      <label htmlFor={id}>
        <code>{field.name}</code>
      </label>
      <div data-field={field.name}>
        {field.kind === 'choice' ? (
          <select id={id} name={name} value={value} onChange={(e) => onChange(e.target.value)}>
            {field.options.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        ) : field.kind === 'boolean' ? (
          <input id={id} name={name} type="checkbox" checked={value === 'true'} onChange={(e) => onChange(String(e.target.checked))} />
        ) : (
          <input
            id={id}
            name={name}
            value={value}
            onChange={(e) => onChange(e.target.value)}
            placeholder={field.defaultText === '' ? 'optional' : undefined}
            inputMode={field.kind === 'integer' ? 'numeric' : field.kind === 'number' ? 'decimal' : undefined}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-help`}
          />
        )}
        <div id={`${id}-help`} className="muted small">
          {field.description}
          {hint && <> ({hint})</>}
        </div>
        <FieldError message={error} />
      </div>
    </>
  );
}
