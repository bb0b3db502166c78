import { useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { useT } from '../../i18n/I18nProvider';
import { fold, openPlaceholderAt, type Placeholder } from './placeholders';

interface PlaceholderTextareaProps {
  label: string;
  value: string;
  onValue: (value: string) => void;
  placeholders: Placeholder[];
  readOnly?: boolean;
  invalid?: boolean;
  describedBy?: string | undefined;
  textareaRef?: RefObject<HTMLTextAreaElement | null>;
}

const MAX_SUGGESTIONS = 8;

/**
 * The body editor: typing `%` and letters lists matching placeholders (built-ins, workspace variables,
 * custom fields, plugin variables). Arrow keys choose, Enter or Tab inserts, Escape closes.
 */
export function PlaceholderTextarea({ label, value, onValue, placeholders, readOnly, invalid, describedBy, textareaRef }: PlaceholderTextareaProps) {
  const t = useT();
  const id = useId();
  const listId = `${id}-list`;
  const ownRef = useRef<HTMLTextAreaElement | null>(null);
  const ref = textareaRef ?? ownRef;
  const [query, setQuery] = useState<{ start: number; prefix: string } | null>(null);
  const [active, setActive] = useState(0);
  // Where the caret goes once an inserted placeholder is on screen: placed as React commits the
  // new value, before the next key is handled (a deferred placement would move the caret back
  // over what a fast typist wrote meanwhile).
  const pendingCaret = useRef<number | null>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    const position = pendingCaret.current;
    if (element && position !== null) {
      pendingCaret.current = null;
      element.focus();
      element.setSelectionRange(position, position);
    }
  }, [value, ref]);

  const suggestions = useMemo(() => {
    if (!query) return [];
    const prefix = fold(query.prefix);
    const starts = placeholders.filter((p) => fold(p.name).startsWith(prefix));
    const contains = placeholders.filter((p) => !fold(p.name).startsWith(prefix) && fold(p.name).includes(prefix));
    return [...starts, ...contains].slice(0, MAX_SUGGESTIONS);
  }, [query, placeholders]);
  const open = suggestions.length > 0;

  function track(element: HTMLTextAreaElement) {
    const caret = element.selectionStart;
    const next = element.selectionStart === element.selectionEnd ? openPlaceholderAt(element.value, caret) : null;
    setQuery(next);
    setActive(0);
  }

  function insert(placeholder: Placeholder) {
    const element = ref.current;
    if (!element || !query) return;
    const caret = element.selectionStart;
    const after = value.slice(caret);
    // Complete the name and close it, unless a closing % follows already.
    const closing = after.startsWith('%') ? '' : '%';
    const next = `${value.slice(0, query.start + 1)}${placeholder.name}${closing}${after}`;
    const position = query.start + 1 + placeholder.name.length + 1;
    pendingCaret.current = position;
    onValue(next);
    setQuery(null);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (!open) return;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((index) => (index + 1) % suggestions.length);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((index) => (index - 1 + suggestions.length) % suggestions.length);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      const chosen = suggestions[active];
      if (chosen) {
        event.preventDefault();
        insert(chosen);
      }
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setQuery(null);
    }
  }

  const sourceLabel = (placeholder: Placeholder) => t(`placeholder.source.${placeholder.source}`);

  return (
    <div className="completion">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        ref={ref}
        className="body-editor"
        rows={8}
        spellCheck
        value={value}
        readOnly={readOnly}
        aria-invalid={invalid || undefined}
        aria-describedby={[describedBy, `${id}-help`].filter(Boolean).join(' ')}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? `${listId}-${active}` : undefined}
        onChange={(event) => {
          onValue(event.target.value);
          track(event.target);
        }}
        onKeyDown={onKeyDown}
        onKeyUp={(event) => {
          if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) track(event.currentTarget);
        }}
        onClick={(event) => track(event.currentTarget)}
        onBlur={() => setQuery(null)}
      />
      <p id={`${id}-help`} className="hint">
        {t('templates.completionHelp')}
      </p>
      {open ? (
        <ul id={listId} role="listbox" aria-label={t('templates.suggestions')} className="completion-list">
          {suggestions.map((placeholder, index) => (
            <li
              key={`${placeholder.source}-${placeholder.name}`}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              className={index === active ? 'active' : undefined}
              onMouseDown={(event) => {
                event.preventDefault();
                insert(placeholder);
              }}
            >
              <code>%{placeholder.name}%</code>
              <span className="muted">
                {placeholder.detail} · {sourceLabel(placeholder)}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <p className="visually-hidden" aria-live="polite">
        {open ? t('templates.suggestionCount', { count: suggestions.length }) : ''}
      </p>
    </div>
  );
}
