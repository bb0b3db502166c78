/** An action's error, announced to screen readers; renders nothing without a message. */
export function ErrorMessage({ message, id }: { message: string | undefined; id?: string }) {
  if (!message) return null;
  return (
    <p className="action-error" role="alert" id={id}>
      {message}
    </p>
  );
}
