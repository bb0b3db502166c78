import * as RadixToast from '@radix-ui/react-toast';
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { useT } from '../i18n/I18nProvider';

interface ToastItem {
  id: number;
  text: string;
  kind: 'success' | 'error';
}

type Notify = (text: string, kind?: ToastItem['kind']) => void;

const ToastContext = createContext<Notify | null>(null);

/** Short confirmations of finished actions (Radix toasts: announced, pausable, swipe to dismiss). */
export function ToastProvider({ children }: { children: ReactNode }) {
  const t = useT();
  const [toasts, setToasts] = useState<ToastItem[]>([]);
  const notify = useCallback<Notify>((text, kind = 'success') => {
    setToasts((current) => [...current.slice(-2), { id: Date.now() + Math.random(), text, kind }]);
  }, []);
  return (
    <ToastContext.Provider value={notify}>
      <RadixToast.Provider duration={4000} label={t('common.notifications')}>
        {children}
        {toasts.map((toast) => (
          <RadixToast.Root
            key={toast.id}
            className={`toast toast-${toast.kind}`}
            type={toast.kind === 'error' ? 'foreground' : 'background'}
            onOpenChange={(open) => {
              if (!open) setToasts((current) => current.filter((item) => item.id !== toast.id));
            }}
          >
            <RadixToast.Description>{toast.text}</RadixToast.Description>
            <RadixToast.Close className="icon-button" aria-label={t('common.close')}>
              ✕
            </RadixToast.Close>
          </RadixToast.Root>
        ))}
        <RadixToast.Viewport className="toast-viewport" />
      </RadixToast.Provider>
    </ToastContext.Provider>
  );
}

export function useNotify(): Notify {
  const notify = useContext(ToastContext);
  if (!notify) throw new Error('useNotify outside ToastProvider');
  return notify;
}
