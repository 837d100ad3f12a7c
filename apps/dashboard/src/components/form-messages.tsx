/** What a service said when it refused a form as a whole, listed above the form. */
export function FormErrors({ title, messages }: { title: string; messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <div className="notice notice-error" role="alert" data-testid="form-errors">
      <strong>{title}</strong>
      <ul>
        {messages.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
    </div>
  );
}

/** A message under the field it is about. */
export function FieldError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <div className="form-error small" role="alert" data-testid="field-error">
      {message}
    </div>
  );
}
