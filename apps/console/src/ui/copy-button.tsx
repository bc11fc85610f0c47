import { useState } from 'preact/hooks';

/** Copies `text`; resolves false where the browser refuses (no clipboard outside secure contexts). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** A small button that copies `text` and says whether it did. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [result, setResult] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => setResult((await copyText(text)) ? 'copied' : 'failed');
  return (
    <button type="button" class="small" aria-label={label} onClick={() => void copy()}>
      {result === 'copied' ? 'Copied' : result === 'failed' ? 'Copy failed' : 'Copy'}
    </button>
  );
}

/** A value shown in full (selectable) with its copy button. */
export function CopyValue({ value, label, testId }: { value: string; label: string; testId?: string }) {
  return (
    <span class="copy-value">
      <code data-testid={testId}>{value}</code> <CopyButton text={value} label={label} />
    </span>
  );
}
