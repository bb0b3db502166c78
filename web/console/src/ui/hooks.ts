import { useEffect, useState } from 'react';

/** `value`, settled for `delay` ms: for search boxes that query as you type. */
export function useDebounced<T>(value: T, delay = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/** Splits "a, b;c" into trimmed, non-empty, unique tags. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[,;\n]/).map((tag) => tag.trim()).filter(Boolean))];
}
