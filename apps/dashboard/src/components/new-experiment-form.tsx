'use client';

import { useActionState, useState } from 'react';
import { createExperimentFromForm, type NewExperimentState } from '@/app/experiments/actions';
import { FieldError, FormErrors } from './form-messages';

/** Name and description of a new experiment; the training service has the last word on the name. */
export function NewExperimentForm() {
  const [state, action, pending] = useActionState<NewExperimentState, FormData>(createExperimentFromForm, { fieldErrors: {}, formErrors: [] });
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  return (
    <form action={action} className="new-experiment" data-testid="new-experiment-form" noValidate>
      <FormErrors title="The training service did not create the experiment:" messages={state.formErrors} />
      <div className="inline-fields">
        <input name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="new experiment name" aria-label="Experiment name" maxLength={200} />
        <input
          name="description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          placeholder="description (optional)"
          aria-label="Description"
          className="wide"
        />
        <button type="submit" className="primary" disabled={pending} data-testid="create-experiment">
          {pending ? 'Creating…' : 'Create experiment'}
        </button>
      </div>
      <FieldError message={state.fieldErrors.name} />
    </form>
  );
}
