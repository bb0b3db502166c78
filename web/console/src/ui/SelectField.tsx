import * as Select from '@radix-ui/react-select';
import type { ReactNode } from 'react';
import { FieldFrame } from './Field';

export interface Option<T extends string> {
  value: T;
  label: string;
}

interface SelectFieldProps<T extends string> {
  label: ReactNode;
  value: T;
  options: readonly Option<T>[];
  onValue: (value: T) => void;
  error?: string | undefined;
  hint?: ReactNode;
  disabled?: boolean;
  className?: string;
}

/** A labelled Radix select (keyboard and screen-reader behaviour from Radix). Values must be non-empty. */
export function SelectField<T extends string>({ label, value, options, onValue, error, hint, disabled, className }: SelectFieldProps<T>) {
  return (
    <FieldFrame label={label} error={error} hint={hint} className={className}>
      {({ id, describedBy, invalid }) => (
        <SelectControl
          id={id}
          value={value}
          options={options}
          onValue={onValue}
          describedBy={describedBy}
          invalid={invalid}
          disabled={disabled}
        />
      )}
    </FieldFrame>
  );
}

interface SelectControlProps<T extends string> {
  id?: string;
  value: T;
  options: readonly Option<T>[];
  onValue: (value: T) => void;
  describedBy?: string | undefined;
  invalid?: boolean;
  disabled?: boolean | undefined;
  ariaLabel?: string;
}

export function SelectControl<T extends string>({ id, value, options, onValue, describedBy, invalid, disabled, ariaLabel }: SelectControlProps<T>) {
  return (
    <Select.Root value={value} onValueChange={(next) => onValue(next as T)} disabled={disabled}>
      <Select.Trigger
        id={id}
        className="select-trigger"
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        aria-label={ariaLabel}
      >
        <Select.Value />
        <Select.Icon className="select-icon" aria-hidden="true">
          ▾
        </Select.Icon>
      </Select.Trigger>
      <Select.Portal>
        <Select.Content className="select-content" position="popper" sideOffset={4}>
          <Select.Viewport>
            {options.map((option) => (
              <Select.Item key={option.value} value={option.value} className="select-item">
                <Select.ItemText>{option.label}</Select.ItemText>
                <Select.ItemIndicator className="select-indicator" aria-hidden="true">
                  ✓
                </Select.ItemIndicator>
              </Select.Item>
            ))}
          </Select.Viewport>
        </Select.Content>
      </Select.Portal>
    </Select.Root>
  );
}
