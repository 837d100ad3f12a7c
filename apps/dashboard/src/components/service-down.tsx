import type { ServiceUnavailableError } from '@/lib/server/service-errors';

const ENV_PREFIX: Record<ServiceUnavailableError['service'], string> = {
  datasets: 'GENLAB_DATASETS',
  training: 'GENLAB_TRAINING',
  evaluation: 'GENLAB_EVALUATION',
  generation: 'GENLAB_GENERATION',
};

/**
 * What to tell a reader when a service does not answer: which one, where, and how to start
 * it; or, when it got the request and was too slow to answer, that it is busy.
 */
export function ServiceDown({ error, compact = false }: { error: ServiceUnavailableError; compact?: boolean }) {
  const urlVar = `${ENV_PREFIX[error.service]}_URL`;
  const portVar = `${ENV_PREFIX[error.service]}_PORT`;
  const Heading = compact ? 'h3' : 'h1';
  const slow = error.reason === 'slow';
  return (
    <div className="notice notice-error" role="alert" data-testid="service-down" data-service={error.service} data-reason={error.reason}>
      <Heading>
        The {error.service} service {slow ? 'did not answer in time' : 'could not be reached'}
      </Heading>
      {slow ? (
        <p>
          The dashboard asked it at <code>{error.address}</code> and got no answer before its deadline. It is most
          likely busy (training or evaluating on the same machine can do this): reload this page in a moment. If this
          goes on, check that the service is running.
        </p>
      ) : (
        <>
          <p>
            The dashboard expected it at <code>{error.address}</code>.
          </p>
          <p>
            Start the services with <code>npm start</code> from the repository root (it also seeds a demo
            experiment), then reload this page. If the service runs elsewhere, set <code>{urlVar}</code> (or{' '}
            <code>{portVar}</code>) for the dashboard.
          </p>
        </>
      )}
      <details>
        <summary>Details</summary>
        <pre>{error.detail}</pre>
      </details>
    </div>
  );
}
