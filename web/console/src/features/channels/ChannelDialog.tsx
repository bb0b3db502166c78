import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { CheckboxField, TextField } from '../../ui/Field';
import { SelectField } from '../../ui/SelectField';
import { useNotify } from '../../ui/Toast';
import { ConfigForm } from '../plugins/ConfigForm';
import { useWorkspacePlugins } from '../templates/templatesApi';
import { useWorkspace } from '../workspace/workspace';
import { CHANNEL_KINDS, SECRET_MASK, channelKeys, settingsOf, type Channel, type ChannelConfigBody, type ChannelKind } from './channelsApi';

type MediaKind = Schemas['MediaKind'];
type AddressKind = 'phone' | 'email';
type Security = 'tls' | 'starttls' | 'none';

const MEDIA_KINDS: readonly MediaKind[] = ['image', 'audio', 'video', 'document'];
const MIB = 1024 * 1024;

/** `sandbox`: what it reports back, and after how long. Rates are edited in percent. */
interface SandboxForm {
  delivered: string;
  read: string;
  failed: string;
  delayMs: string;
  mediaKinds: MediaKind[];
  address: AddressKind;
}

interface SmtpForm {
  host: string;
  port: string;
  security: Security;
  username: string;
  /** `********` while the stored password is kept. */
  password: string;
  fromAddress: string;
  fromName: string;
  subject: string;
  maxAttachmentMb: string;
}

const text = (value: unknown, fallback = '') => (value === undefined || value === null ? fallback : String(value));
const percent = (rate: unknown) => String(Math.round(Number(rate ?? 0) * 10_000) / 100);
const orNull = (value: string) => (value.trim() === '' ? null : value.trim());

function sandboxForm(stored: Record<string, unknown>): SandboxForm {
  const kinds = Array.isArray(stored.media_kinds) ? (stored.media_kinds as MediaKind[]) : [...MEDIA_KINDS];
  return {
    delivered: percent(stored.delivered_rate),
    read: percent(stored.read_rate),
    failed: percent(stored.failed_rate),
    delayMs: text(stored.delay_ms, '0'),
    mediaKinds: kinds,
    address: stored.address === 'email' ? 'email' : 'phone',
  };
}

function smtpForm(stored: Record<string, unknown>): SmtpForm {
  const security = stored.security === 'tls' || stored.security === 'none' ? stored.security : 'starttls';
  const bytes = Number(stored.max_attachment_bytes);
  return {
    host: text(stored.host),
    port: text(stored.port, '587'),
    security,
    username: text(stored.username),
    password: text(stored.password),
    fromAddress: text(stored.from_address),
    fromName: text(stored.from_name),
    subject: text(stored.subject),
    maxAttachmentMb: Number.isFinite(bytes) && bytes > 0 ? String(Math.round((bytes / MIB) * 100) / 100) : '',
  };
}

function sandboxConfig(form: SandboxForm, base: Record<string, unknown>): Record<string, unknown> {
  return {
    ...base,
    delivered_rate: Number(form.delivered) / 100,
    read_rate: Number(form.read) / 100,
    failed_rate: Number(form.failed) / 100,
    delay_ms: Number(form.delayMs),
    media_kinds: form.mediaKinds,
    address: form.address,
  };
}

function smtpConfig(form: SmtpForm, base: Record<string, unknown>): Record<string, unknown> {
  const config: Record<string, unknown> = {
    ...base,
    host: form.host.trim(),
    port: Number(form.port),
    security: form.security,
    username: orNull(form.username),
    // Sent back as read (`********`) it keeps the stored password; emptied, it removes it.
    password: form.password === '' ? null : form.password,
    from_address: form.fromAddress.trim(),
    from_name: orNull(form.fromName),
  };
  // Left empty, the server's defaults apply (subject “Mesaj”, attachments up to 25 MB).
  if (form.subject.trim()) config.subject = form.subject.trim();
  else delete config.subject;
  if (form.maxAttachmentMb.trim()) config.max_attachment_bytes = Math.round(Number(form.maxAttachmentMb) * MIB);
  else delete config.max_attachment_bytes;
  return config;
}

interface CloudForm {
  baseUrl: string;
  apiVersion: string;
  phoneNumberId: string;
  businessAccountId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  previewLinks: boolean;
}

function cloudForm(stored: Record<string, unknown>): CloudForm {
  return {
    baseUrl: text(stored.base_url),
    apiVersion: text(stored.api_version),
    phoneNumberId: text(stored.phone_number_id),
    businessAccountId: text(stored.business_account_id),
    accessToken: text(stored.access_token),
    appSecret: text(stored.app_secret),
    verifyToken: text(stored.verify_token),
    previewLinks: stored.preview_links === true,
  };
}

function cloudConfig(form: CloudForm, base: Record<string, unknown>): Record<string, unknown> {
  // What Meta said about the number is the server's to fill in again.
  const { phone: _phone, ...rest } = base;
  const config: Record<string, unknown> = {
    ...rest,
    phone_number_id: form.phoneNumberId.trim(),
    business_account_id: orNull(form.businessAccountId),
    access_token: form.accessToken,
    app_secret: form.appSecret,
    verify_token: form.verifyToken,
    preview_links: form.previewLinks,
  };
  if (form.baseUrl.trim()) config.base_url = form.baseUrl.trim();
  else delete config.base_url;
  if (form.apiVersion.trim()) config.api_version = form.apiVersion.trim();
  else delete config.api_version;
  return config;
}

const CONFIG_FIELDS = [
  'host',
  'port',
  'security',
  'username',
  'password',
  'from_address',
  'from_name',
  'subject',
  'max_attachment_bytes',
  'plugin',
  'base_url',
  'api_version',
  'phone_number_id',
  'business_account_id',
  'access_token',
  'app_secret',
  'verify_token',
];
const FIELDS = ['name', 'kind', 'config', ...CONFIG_FIELDS.map((key) => `config.${key}`)];

interface ChannelDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The channel to edit; null adds one. */
  channel: Channel | null;
}

export function ChannelDialog(props: ChannelDialogProps) {
  return <ChannelDialogFrame {...props} key={`${props.channel?.id ?? 'new'}-${props.open}`} />;
}

function ChannelDialogFrame({ open, onOpenChange, channel }: ChannelDialogProps) {
  const t = useT();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const formId = useId();
  const stored = settingsOf(channel);
  const [name, setName] = useState(channel?.name ?? '');
  const [kind, setKind] = useState<ChannelKind>(channel?.kind ?? 'sandbox');
  const [sandbox, setSandbox] = useState(() => sandboxForm(channel?.kind === 'sandbox' ? stored : {}));
  const [smtp, setSmtp] = useState(() => smtpForm(channel?.kind === 'smtp' ? stored : {}));
  const [plugin, setPlugin] = useState(channel?.kind === 'plugin' ? text(stored.plugin) : '');
  const [cloud, setCloud] = useState(() => cloudForm(channel?.kind === 'whatsapp_cloud' ? stored : {}));
  const [typing, setTyping] = useState(channel?.kind === 'whatsapp_web' ? stored.typing === true : false);
  const setCloudField = (patch: Partial<CloudForm>) => setCloud((form) => ({ ...form, ...patch }));
  const plugins = useWorkspacePlugins(open && kind === 'plugin');
  const transports = (plugins.data ?? []).filter((entry) => entry.plugin.kind === 'transport');
  const chosenPlugin = plugin || transports[0]?.plugin.name || '';
  const pluginEntry = transports.find((entry) => entry.plugin.name === chosenPlugin);
  const setSandboxField = (patch: Partial<SandboxForm>) => setSandbox((form) => ({ ...form, ...patch }));
  const setSmtpField = (patch: Partial<SmtpForm>) => setSmtp((form) => ({ ...form, ...patch }));

  const save = useMutation({
    mutationFn: () => {
      const base = channel?.kind === kind ? stored : {};
      const settings =
        kind === 'sandbox'
          ? sandboxConfig(sandbox, base)
          : kind === 'smtp'
            ? smtpConfig(smtp, base)
            : kind === 'whatsapp_cloud'
              ? cloudConfig(cloud, base)
              : kind === 'whatsapp_web'
                ? { typing }
                : { ...base, plugin: chosenPlugin };
      const config = settings as ChannelConfigBody;
      const path = { workspace: workspace.id };
      return channel
        ? unwrap(api.PATCH('/api/v1/workspaces/{workspace}/channels/{id}', { params: { path: { ...path, id: channel.id } }, body: { name: name.trim(), config } }))
        : unwrap(api.POST('/api/v1/workspaces/{workspace}/channels', { params: { path }, body: { name: name.trim(), kind, config } }));
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: channelKeys.all(workspace.id) });
      notify(t(channel ? 'channels.saved' : 'channels.created', { name: saved.name }));
      onOpenChange(false);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  const error = save.error;
  const configError = (key: string) => fieldError(error, `config.${key}`);
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={channel ? t('channels.editTitle', { name: channel.name }) : t('channels.addTitle')} wide>
      <form id={formId} onSubmit={submit} className="stack">
        <div className="grid-2">
          <TextField label={t('channels.name')} required value={name} onValue={setName} error={fieldError(error, 'name')} />
          {channel ? (
            <TextField label={t('channels.kind')} readOnly value={t(`channels.kind.${channel.kind}`)} />
          ) : (
            <SelectField<ChannelKind>
              label={t('channels.kind')}
              value={kind}
              onValue={setKind}
              hint={t(`channels.kindHint.${kind}`)}
              error={fieldError(error, 'kind')}
              options={CHANNEL_KINDS.map((value) => ({ value, label: t(`channels.kind.${value}`) }))}
            />
          )}
        </div>

        {kind === 'sandbox' ? (
          <fieldset className="fieldset">
            <legend>{t('channels.sandboxSettings')}</legend>
            <p className="hint">{t('channels.sandboxExplained')}</p>
            <div className="grid-2">
              <TextField label={t('channels.deliveredRate')} type="number" min={0} max={100} step="any" required value={sandbox.delivered} onValue={(delivered) => setSandboxField({ delivered })} />
              <TextField label={t('channels.readRate')} type="number" min={0} max={100} step="any" required value={sandbox.read} onValue={(read) => setSandboxField({ read })} hint={t('channels.readRateHint')} />
              <TextField label={t('channels.failedRate')} type="number" min={0} max={100} step="any" required value={sandbox.failed} onValue={(failed) => setSandboxField({ failed })} />
              <TextField label={t('channels.delay')} type="number" min={0} max={60000} step={1} required value={sandbox.delayMs} onValue={(delayMs) => setSandboxField({ delayMs })} hint={t('channels.delayHint')} />
              <SelectField<AddressKind>
                label={t('channels.address')}
                value={sandbox.address}
                onValue={(address) => setSandboxField({ address })}
                options={[
                  { value: 'phone', label: t('channels.addressPhone') },
                  { value: 'email', label: t('channels.addressEmail') },
                ]}
              />
            </div>
            <fieldset className="fieldset">
              <legend>{t('channels.mediaKinds')}</legend>
              <div className="row wrap">
                {MEDIA_KINDS.map((mediaKind) => (
                  <CheckboxField
                    key={mediaKind}
                    label={t(`media.kind.${mediaKind}`)}
                    checked={sandbox.mediaKinds.includes(mediaKind)}
                    onChecked={(checked) =>
                      setSandboxField({ mediaKinds: checked ? [...sandbox.mediaKinds, mediaKind] : sandbox.mediaKinds.filter((k) => k !== mediaKind) })
                    }
                  />
                ))}
              </div>
            </fieldset>
            {fieldError(error, 'config') ? <p className="field-error" role="alert">{fieldError(error, 'config')}</p> : null}
          </fieldset>
        ) : null}

        {kind === 'smtp' ? (
          <fieldset className="fieldset">
            <legend>{t('channels.smtpSettings')}</legend>
            <div className="grid-2">
              <TextField label={t('channels.host')} required autoComplete="off" value={smtp.host} onValue={(host) => setSmtpField({ host })} error={configError('host')} />
              <TextField label={t('channels.port')} type="number" min={1} max={65535} step={1} required value={smtp.port} onValue={(port) => setSmtpField({ port })} error={configError('port')} />
              <SelectField<Security>
                label={t('channels.security')}
                value={smtp.security}
                onValue={(security) => setSmtpField({ security })}
                hint={t('channels.securityHint')}
                error={configError('security')}
                options={[
                  { value: 'starttls', label: t('channels.security.starttls') },
                  { value: 'tls', label: t('channels.security.tls') },
                  { value: 'none', label: t('channels.security.none') },
                ]}
              />
              <TextField label={t('channels.username')} autoComplete="off" value={smtp.username} onValue={(username) => setSmtpField({ username })} error={configError('username')} />
              <TextField
                label={t('channels.password')}
                type="password"
                autoComplete="new-password"
                value={smtp.password}
                onValue={(password) => setSmtpField({ password })}
                hint={smtp.password === SECRET_MASK ? t('channels.secretKept') : t('channels.passwordHint')}
                error={configError('password')}
              />
              <TextField label={t('channels.fromAddress')} type="email" required value={smtp.fromAddress} onValue={(fromAddress) => setSmtpField({ fromAddress })} error={configError('from_address')} />
              <TextField label={t('channels.fromName')} value={smtp.fromName} onValue={(fromName) => setSmtpField({ fromName })} error={configError('from_name')} />
              <TextField label={t('channels.subject')} value={smtp.subject} onValue={(subject) => setSmtpField({ subject })} hint={t('channels.subjectHint')} error={configError('subject')} />
              <TextField label={t('channels.maxAttachment')} type="number" min={0} step="any" value={smtp.maxAttachmentMb} onValue={(maxAttachmentMb) => setSmtpField({ maxAttachmentMb })} hint={t('channels.maxAttachmentHint')} error={configError('max_attachment_bytes')} />
            </div>
            {fieldError(error, 'config') ? <p className="field-error" role="alert">{fieldError(error, 'config')}</p> : null}
          </fieldset>
        ) : null}

        {kind === 'whatsapp_cloud' ? (
          <fieldset className="fieldset">
            <legend>{t('channels.cloudSettings')}</legend>
            <p className="hint">{t('channels.cloudHelp')}</p>
            <div className="grid-2">
              <TextField label={t('channels.phoneNumberId')} required inputMode="numeric" autoComplete="off" value={cloud.phoneNumberId} onValue={(phoneNumberId) => setCloudField({ phoneNumberId })} error={configError('phone_number_id')} />
              <TextField label={t('channels.businessAccountId')} inputMode="numeric" autoComplete="off" value={cloud.businessAccountId} onValue={(businessAccountId) => setCloudField({ businessAccountId })} error={configError('business_account_id')} />
              <TextField label={t('channels.accessToken')} type="password" required autoComplete="new-password" value={cloud.accessToken} onValue={(accessToken) => setCloudField({ accessToken })} hint={cloud.accessToken === SECRET_MASK ? t('channels.secretKept') : undefined} error={configError('access_token')} />
              <TextField label={t('channels.appSecret')} type="password" required autoComplete="new-password" value={cloud.appSecret} onValue={(appSecret) => setCloudField({ appSecret })} hint={cloud.appSecret === SECRET_MASK ? t('channels.secretKept') : undefined} error={configError('app_secret')} />
              <TextField label={t('channels.verifyToken')} type="password" required autoComplete="new-password" value={cloud.verifyToken} onValue={(verifyToken) => setCloudField({ verifyToken })} hint={cloud.verifyToken === SECRET_MASK ? t('channels.secretKept') : t('channels.verifyTokenHint')} error={configError('verify_token')} />
              <TextField label={t('channels.apiVersion')} placeholder="v21.0" value={cloud.apiVersion} onValue={(apiVersion) => setCloudField({ apiVersion })} error={configError('api_version')} />
              <TextField label={t('channels.baseUrl')} placeholder="https://graph.facebook.com" value={cloud.baseUrl} onValue={(baseUrl) => setCloudField({ baseUrl })} error={configError('base_url')} />
            </div>
            <CheckboxField label={t('channels.previewLinks')} checked={cloud.previewLinks} onChecked={(previewLinks) => setCloudField({ previewLinks })} />
            {channel?.kind === 'whatsapp_cloud' && stored.phone ? (
              <p className="muted" data-testid="cloud-phone">
                {t('channels.cloudPhone', {
                  number: text((stored.phone as Record<string, unknown>).display_phone_number),
                  name: text((stored.phone as Record<string, unknown>).verified_name),
                  quality: text((stored.phone as Record<string, unknown>).quality_rating),
                  tier: text((stored.phone as Record<string, unknown>).messaging_limit_tier),
                })}
              </p>
            ) : null}
            {channel?.webhook_path ? (
              <TextField label={t('channels.webhook')} readOnly value={`${window.location.origin}${channel.webhook_path}`} hint={t('channels.cloudWebhookHint')} />
            ) : null}
            {fieldError(error, 'config') ? <p className="field-error" role="alert">{fieldError(error, 'config')}</p> : null}
          </fieldset>
        ) : null}

        {kind === 'whatsapp_web' ? (
          <fieldset className="fieldset">
            <legend>{t('channels.webSettings')}</legend>
            <p className="hint">{t('channels.webHelp')}</p>
            <CheckboxField label={t('channels.typing')} checked={typing} onChecked={setTyping} hint={t('channels.typingHint')} />
            {fieldError(error, 'config') ? <p className="field-error" role="alert">{fieldError(error, 'config')}</p> : null}
          </fieldset>
        ) : null}

        {kind === 'plugin' ? (
          <fieldset className="fieldset">
            <legend>{t('channels.pluginSettings')}</legend>
            {plugins.isPending ? (
              <p className="muted">{t('common.loading')}</p>
            ) : transports.length === 0 ? (
              <p className="muted">{t('channels.noTransports')}</p>
            ) : (
              <SelectField
                label={t('channels.plugin')}
                value={chosenPlugin}
                onValue={setPlugin}
                hint={t('channels.pluginHint')}
                error={configError('plugin')}
                options={transports.map((entry) => ({ value: entry.plugin.name, label: `${entry.plugin.name} ${entry.plugin.version}` }))}
              />
            )}
            {channel?.webhook_path ? (
              <TextField label={t('channels.webhook')} readOnly value={`${window.location.origin}${channel.webhook_path}`} hint={t('channels.webhookHint')} />
            ) : null}
          </fieldset>
        ) : null}
      </form>

      {kind === 'plugin' && pluginEntry ? (
        <section className="fieldset">
          <h3>{t('channels.pluginConfig', { name: pluginEntry.plugin.name })}</h3>
          <p className="hint">{pluginEntry.configured ? t('channels.pluginConfigured') : t('channels.pluginNeedsConfig')}</p>
          {pluginEntry.enabled ? (
            <ConfigForm key={pluginEntry.plugin.name} entry={pluginEntry} disabled={!can('plugins', 'write')} />
          ) : (
            <p className="muted">{t('channels.pluginDisabled')}</p>
          )}
        </section>
      ) : null}

      <ErrorMessage message={actionError(error, FIELDS)} />
      <div className="dialog-actions">
        <Button onClick={() => onOpenChange(false)}>{t('common.cancel')}</Button>
        <Button type="submit" form={formId} variant="primary" busy={save.isPending}>
          {t('common.save')}
        </Button>
      </div>
    </Dialog>
  );
}
