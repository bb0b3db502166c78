import { useRef, useState, type ReactNode } from 'react';
import { useT } from '../i18n/I18nProvider';
import { Button } from './Button';

interface ShownOnceProps {
  /** What this is, said once above the value. */
  title: ReactNode;
  value: string;
  /** The field's accessible name. */
  label: string;
  testId: string;
  hint: ReactNode;
  onDone: () => void;
}

/** A value shown only once (a token's secret, an invitation link): selectable, with a copy button. */
export function ShownOnce({ title, value, label, testId, hint, onDone }: ShownOnceProps) {
  const t = useT();
  const input = useRef<HTMLInputElement | null>(null);
  const [copied, setCopied] = useState(false);
  async function copy() {
    input.current?.select();
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // Without clipboard access (plain http), the value stays selected for Ctrl+C.
      setCopied(false);
    }
  }
  return (
    <div className="secret-once" role="status">
      <p>
        <strong>{title}</strong>
      </p>
      <div className="row">
        <input ref={input} readOnly value={value} aria-label={label} className="mono grow" onFocus={(event) => event.target.select()} data-testid={testId} />
        <Button onClick={() => void copy()}>{copied ? t('tokens.copied') : t('tokens.copy')}</Button>
      </div>
      <p className="hint">{hint}</p>
      <Button small onClick={onDone}>
        {t('tokens.done')}
      </Button>
    </div>
  );
}
