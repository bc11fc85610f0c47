import { useState } from 'preact/hooks';

/** A button for an action that cannot be undone: the first click asks, "Yes" does it. */
export function ConfirmButton({ label, question, onConfirm, disabled, title }: { label: string; question: string; onConfirm: () => void; disabled?: boolean; title?: string }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="small danger" disabled={disabled} title={title} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span class="confirm">
      {question}{' '}
      <button
        type="button"
        class="small danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Yes
      </button>{' '}
      <button type="button" class="small" onClick={() => setAsking(false)}>
        No
      </button>
    </span>
  );
}
