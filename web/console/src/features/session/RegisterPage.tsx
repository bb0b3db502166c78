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
import { safeNext } from './SignInPage';

const FIELDS = ['name', 'email', 'password'] as const;

export default function RegisterPage() {
  const t = useT();
  const me = useMe();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { signedIn } = useSessionActions();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const next = safeNext(params.get('next'));

  // Registering does not sign in; the account signs in with the same credentials right after.
  const register = useMutation({
    mutationFn: async () => {
      await unwrap(api.POST('/api/v1/auth/register', { body: { name, email, password } }));
      return unwrap(api.POST('/api/v1/auth/login', { body: { email, password } }));
    },
    onSuccess: (login) => {
      signedIn(login);
      void navigate(next, { replace: true });
    },
  });

  if (me.data && !register.isPending) return <Navigate to={next} replace />;

  function submit(event: FormEvent) {
    event.preventDefault();
    register.mutate();
  }

  return (
    <AuthLayout title={t('auth.registerTitle')}>
      <form onSubmit={submit} className="stack">
        <TextField label={t('auth.name')} autoComplete="name" required maxLength={100} value={name} onValue={setName} error={fieldError(register.error, 'name')} />
        <TextField label={t('auth.email')} type="email" autoComplete="email" required value={email} onValue={setEmail} error={fieldError(register.error, 'email')} />
        <TextField
          label={t('auth.password')}
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          value={password}
          onValue={setPassword}
          hint={t('auth.passwordHint')}
          error={fieldError(register.error, 'password')}
        />
        <ErrorMessage message={actionError(register.error, FIELDS)} />
        <Button type="submit" variant="primary" busy={register.isPending}>
          {t('auth.createAccount')}
        </Button>
      </form>
      <p className="auth-switch">
        {t('auth.haveAccount')} <Link to={`/signin${params.size ? `?${params}` : ''}`}>{t('auth.signIn')}</Link>
      </p>
    </AuthLayout>
  );
}
