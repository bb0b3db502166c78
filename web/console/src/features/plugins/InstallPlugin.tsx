import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Schemas } from '../../api/client';
import { actionError } from '../../api/errors';
import { postFormWithProgress } from '../../api/forms';
import { urls } from '../../api/paths';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { FieldFrame } from '../../ui/Field';
import { Section } from '../../ui/Layout';
import { ProgressBar } from '../../ui/ProgressBar';
import { useNotify } from '../../ui/Toast';

/** Superadmin: install or upgrade a plugin from its plugin.toml and .wasm component. */
export function InstallPlugin() {
  const t = useT();
  const format = useFormat();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const [manifest, setManifest] = useState<File | null>(null);
  const [component, setComponent] = useState<File | null>(null);
  const [fraction, setFraction] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!manifest || !component) return;
    const form = new FormData();
    form.append('manifest', manifest, manifest.name);
    form.append('component', component, component.name);
    setError(null);
    setFraction(0);
    try {
      const result = await postFormWithProgress<Schemas['Installed']>(urls.plugins(), form, setFraction);
      notify(t('plugins.installed', { name: result.plugin.name, version: result.plugin.version, outcome: result.outcome }));
      await queryClient.invalidateQueries({ queryKey: ['plugins'] });
    } catch (cause) {
      setError(cause);
    } finally {
      setFraction(null);
    }
  }

  return (
    <Section title={t('plugins.install')}>
      <form className="stack" onSubmit={(event) => void submit(event)}>
        <div className="grid-2">
          <FieldFrame label={t('plugins.manifest')}>
            {({ id }) => <input id={id} type="file" accept=".toml" required onChange={(event) => setManifest(event.target.files?.[0] ?? null)} />}
          </FieldFrame>
          <FieldFrame label={t('plugins.component')}>
            {({ id }) => <input id={id} type="file" accept=".wasm" required onChange={(event) => setComponent(event.target.files?.[0] ?? null)} />}
          </FieldFrame>
        </div>
        {fraction !== null ? <ProgressBar label={t('plugins.uploading')} fraction={fraction} detail={format.percent(fraction)} /> : null}
        <ErrorMessage message={actionError(error)} />
        <div>
          <Button type="submit" variant="primary" disabled={!manifest || !component} busy={fraction !== null}>
            {t('plugins.installButton')}
          </Button>
        </div>
      </form>
    </Section>
  );
}
