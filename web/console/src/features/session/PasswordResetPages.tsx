import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { TextField } from '../../ui/Field';
import { AuthLayout } from './AuthLayout';

/** Asks for a reset mail. The answer is the same whether the address has an account or not. */
export function ForgotPasswordPage() {
  const t = useT();
  const [email, setEmail] = useState('');
  const request = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/password-reset', { body: { email } })),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    request.mutate();
  }

  return (
    <AuthLayout title={t('auth.forgotTitle')}>
      {request.isSuccess ? (
        <p role="status" data-testid="reset-requested">
          {t('auth.resetRequested', { email })}
        </p>
      ) : (
        <form onSubmit={submit} className="stack">
          <p className="hint">{t('auth.forgotHint')}</p>
          <TextField
            label={t('auth.email')}
            type="email"
            autoComplete="email"
            required
            value={email}
            onValue={setEmail}
            error={fieldError(request.error, 'email')}
          />
          <ErrorMessage message={actionError(request.error, ['email'])} />
          <Button type="submit" variant="primary" busy={request.isPending}>
            {t('auth.sendResetLink')}
          </Button>
        </form>
      )}
      <p className="auth-switch">
        <Link to="/signin">{t('auth.backToSignIn')}</Link>
      </p>
    </AuthLayout>
  );
}

/** The page a reset mail links to: sets a new password with the link's token. */
export function ResetPasswordPage() {
  const t = useT();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const reset = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/auth/password-reset/confirm', { body: { token, new_password: password } })),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    reset.mutate();
  }

  return (
    <AuthLayout title={t('auth.resetTitle')}>
      {reset.isSuccess ? (
        <p role="status" data-testid="password-reset">
          {t('auth.resetDone')} <Link to="/signin">{t('auth.signIn')}</Link>
        </p>
      ) : (
        <form onSubmit={submit} className="stack">
          <TextField
            label={t('auth.newPassword')}
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            value={password}
            onValue={setPassword}
            hint={t('auth.passwordHint')}
            error={fieldError(reset.error, 'new_password')}
          />
          <ErrorMessage message={actionError(reset.error, ['new_password'])} />
          <Button type="submit" variant="primary" busy={reset.isPending} disabled={!token}>
            {t('auth.setPassword')}
          </Button>
        </form>
      )}
      <p className="auth-switch">
        <Link to="/forgot-password">{t('auth.newResetLink')}</Link>
      </p>
    </AuthLayout>
  );
}
