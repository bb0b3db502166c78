import { useId } from 'react';

interface ProgressBarProps {
  label: string;
  /** 0..1, or undefined while the total is unknown. */
  fraction: number | undefined;
  detail?: string;
}

export function ProgressBar({ label, fraction, detail }: ProgressBarProps) {
  const id = useId();
  return (
    <div className="progress">
      <div className="progress-label">
        <label htmlFor={id}>{label}</label>
        {detail ? <span className="progress-detail">{detail}</span> : null}
      </div>
      {fraction === undefined ? (
        <progress id={id} />
      ) : (
        <progress id={id} max={100} value={Math.round(Math.min(1, Math.max(0, fraction)) * 100)} />
      )}
    </div>
  );
}
