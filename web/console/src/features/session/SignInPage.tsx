import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { TextField } from '../../ui/Field';
import { AuthLayout } from './AuthLayout';
import { useMe, useSessionActions } from './session';

/** Only same-app paths are followed after sign-in, never another origin. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function SignInPage() {
  const t = useT();
  const me = useMe();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { signedIn } = useSessionActions();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const next = safeNext(params.get('next'));

  const login = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/login', { body: { email, password } })),
    onSuccess: (response) => {
      signedIn(response);
      void navigate(next, { replace: true });
    },
  });

  if (me.data) return <Navigate to={next} replace />;

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate();
  }

  return (
    <AuthLayout title={t('auth.signInTitle')}>
      <form onSubmit={submit} className="stack">
        <TextField
          label={t('auth.email')}
          type="email"
          autoComplete="username"
          required
          value={email}
          onValue={setEmail}
          error={fieldError(login.error, 'email')}
        />
        <TextField
          label={t('auth.password')}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onValue={setPassword}
          error={fieldError(login.error, 'password')}
        />
        <ErrorMessage message={actionError(login.error, ['email', 'password'])} />
        <Button type="submit" variant="primary" busy={login.isPending}>
          {t('auth.signIn')}
        </Button>
      </form>
      <p className="auth-switch">
        <Link to="/forgot-password">{t('auth.forgotPassword')}</Link>
      </p>
      <p className="auth-switch">
        {t('auth.noAccount')} <Link to={`/register${params.size ? `?${params}` : ''}`}>{t('auth.register')}</Link>
      </p>
    </AuthLayout>
  );
}
