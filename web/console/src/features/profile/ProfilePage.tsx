import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useFormat } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import type { Language } from '../../i18n/types';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { CheckboxField, TextField } from '../../ui/Field';
import { PageHeader, Section } from '../../ui/Layout';
import { SelectField } from '../../ui/SelectField';
import { useNotify } from '../../ui/Toast';
import { ME_KEY, useUser } from '../session/session';

function ChangePassword() {
  const { t } = useI18n();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [revokeTokens, setRevokeTokens] = useState(false);
  const change = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/password', { body: { current_password: current, new_password: next, revoke_tokens: revokeTokens } })),
    onSuccess: async () => {
      setCurrent('');
      setNext('');
      notify(t('profile.passwordChanged'));
      // Other sessions end; this one continues, possibly with a new CSRF token.
      await queryClient.invalidateQueries({ queryKey: ME_KEY });
      await queryClient.invalidateQueries({ queryKey: ['tokens'] });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    change.mutate();
  }
  return (
    <Section title={t('profile.changePassword')}>
      <form className="stack narrow" onSubmit={submit}>
        <input type="text" autoComplete="username" value={useUser().email} readOnly hidden />
        <TextField label={t('profile.currentPassword')} type="password" autoComplete="current-password" required value={current} onValue={setCurrent} error={fieldError(change.error, 'current_password')} />
        <TextField label={t('profile.newPassword')} type="password" autoComplete="new-password" required minLength={8} value={next} onValue={setNext} hint={t('auth.passwordHint')} error={fieldError(change.error, 'new_password')} />
        <CheckboxField label={t('profile.revokeTokens')} checked={revokeTokens} onChecked={setRevokeTokens} hint={t('profile.revokeTokensHint')} />
        <ErrorMessage message={actionError(change.error, ['current_password', 'new_password'])} />
        <div>
          <Button type="submit" variant="primary" busy={change.isPending}>
            {t('profile.changePasswordButton')}
          </Button>
        </div>
      </form>
    </Section>
  );
}

type NoticeChoices = { campaign_finished: boolean; channel_disconnected: boolean; import_finished: boolean };
const NOTICES_KEY = ['auth', 'notices'];

/** The e-mail notices this account chose (all off until chosen); saved as each box changes. */
function Notices() {
  const { t } = useI18n();
  const notify = useNotify();
  const queryClient = useQueryClient();
  // The boxes show a choice in the same render as the click (a controlled checkbox would otherwise
  // flip back until the query cache notifies), and keep showing it while it is saved.
  const [shown, setShown] = useState<NoticeChoices | null>(null);
  const notices = useQuery({ queryKey: NOTICES_KEY, queryFn: () => unwrap(api.GET('/api/v1/auth/notices')) });
  const save = useMutation({
    mutationFn: (choices: NoticeChoices) => unwrap(api.PUT('/api/v1/auth/notices', { body: choices })),
    onSuccess: (saved) => {
      queryClient.setQueryData(NOTICES_KEY, saved);
      notify(t('profile.noticesSaved'));
    },
    // A refusal puts back what is stored.
    onError: () => {
      setShown(null);
      void queryClient.invalidateQueries({ queryKey: NOTICES_KEY });
    },
  });
  const data = notices.data;
  const choices: NoticeChoices = shown ?? {
    campaign_finished: data?.campaign_finished ?? false,
    channel_disconnected: data?.channel_disconnected ?? false,
    import_finished: data?.import_finished ?? false,
  };
  const toggle = (key: keyof NoticeChoices) => (checked: boolean) => {
    const next = { ...choices, [key]: checked };
    setShown(next);
    save.mutate(next);
  };
  const off = !data?.mail_configured;
  return (
    <Section title={t('profile.notices')}>
      <div className="stack narrow" data-testid="notices">
        <p className="muted">{off && data ? t('profile.noticesNoMail') : t('profile.noticesIntro')}</p>
        <CheckboxField label={t('profile.noticeCampaign')} checked={choices.campaign_finished} onChecked={toggle('campaign_finished')} disabled={off} />
        <CheckboxField label={t('profile.noticeChannel')} checked={choices.channel_disconnected} onChecked={toggle('channel_disconnected')} disabled={off} />
        <CheckboxField label={t('profile.noticeImport')} checked={choices.import_finished} onChecked={toggle('import_finished')} disabled={off} />
        <ErrorMessage message={notices.error?.message ?? save.error?.message} />
      </div>
    </Section>
  );
}

export default function ProfilePage() {
  const { t, language, setLanguage } = useI18n();
  const format = useFormat();
  const user = useUser();
  return (
    <>
      <PageHeader title={t('nav.profile')} />
      <Section title={t('profile.account')}>
        <dl className="facts">
          <div>
            <dt>{t('auth.name')}</dt>
            <dd>{user.name}</dd>
          </div>
          <div>
            <dt>{t('auth.email')}</dt>
            <dd>{user.email}</dd>
          </div>
          <div>
            <dt>{t('profile.since')}</dt>
            <dd>{format.date(user.created_at)}</dd>
          </div>
          {user.superadmin ? (
            <div>
              <dt>{t('profile.instanceRole')}</dt>
              <dd>{t('profile.superadmin')}</dd>
            </div>
          ) : null}
        </dl>
      </Section>
      <Section title={t('profile.language')}>
        <div className="narrow">
          <SelectField<Language>
            label={t('profile.languageLabel')}
            value={language}
            onValue={setLanguage}
            hint={t('profile.languageHint')}
            options={[
              { value: 'tr', label: 'Türkçe' },
              { value: 'en', label: 'English' },
            ]}
          />
        </div>
      </Section>
      <Notices />
      <ChangePassword />
    </>
  );
}
