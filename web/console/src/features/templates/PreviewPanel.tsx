import * as Tabs from '@radix-ui/react-tabs';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, type Schemas } from '../../api/client';
import { unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { TextField } from '../../ui/Field';
import { parseTags, useDebounced } from '../../ui/hooks';
import { SelectField } from '../../ui/SelectField';
import { displayName } from '../contacts/contactsApi';
import { useWorkspace } from '../workspace/workspace';

export type PreviewContact = { kind: 'inline'; contact: Schemas['ContactInput'] } | { kind: 'stored'; id: string };

interface SampleState {
  firstName: string;
  lastName: string;
  gender: 'none' | 'female' | 'male';
  honorific: string;
  tags: string;
}

function toInput(sample: SampleState): Schemas['ContactInput'] {
  return {
    phone: '05321234567',
    first_name: sample.firstName || null,
    last_name: sample.lastName || null,
    gender: sample.gender === 'none' ? null : sample.gender,
    honorific: sample.honorific || null,
    tags: parseTags(sample.tags),
  };
}

/** Choose who the live preview is rendered for: a sample typed here or a stored contact. */
export function PreviewContactPicker({ onChange }: { onChange: (contact: PreviewContact) => void }) {
  const t = useT();
  const { workspace, can } = useWorkspace();
  const [tab, setTab] = useState<'inline' | 'stored'>('inline');
  const [sample, setSample] = useState<SampleState>({ firstName: 'Ayşe', lastName: 'Yılmaz', gender: 'female', honorific: '', tags: '' });
  const [search, setSearch] = useState('');
  const [storedId, setStoredId] = useState('');
  const settledSearch = useDebounced(search);
  const contacts = useQuery({
    queryKey: ['contacts', workspace.id, 'preview-search', settledSearch],
    enabled: tab === 'stored' && can('contacts', 'read'),
    queryFn: () =>
      unwrap(api.GET('/api/v1/workspaces/{workspace}/contacts', { params: { path: { workspace: workspace.id }, query: { limit: 20, ...(settledSearch ? { search: settledSearch } : {}) } } })),
  });

  const updateSample = (patch: Partial<SampleState>) => {
    const next = { ...sample, ...patch };
    setSample(next);
    onChange({ kind: 'inline', contact: toInput(next) });
  };

  const options = (contacts.data?.items ?? []).map((contact) => ({ value: contact.id, label: `${displayName(contact) || contact.phone} · ${contact.phone}` }));
  const firstOption = options[0]?.value;
  const storedShown = options.some((option) => option.value === storedId);

  // The stored-contact preview starts with the first match, so the preview never shows stale data.
  useEffect(() => {
    if (tab === 'stored' && firstOption && !storedShown) {
      setStoredId(firstOption);
      onChange({ kind: 'stored', id: firstOption });
    }
  }, [tab, firstOption, storedShown, onChange]);

  return (
    <Tabs.Root
      value={tab}
      onValueChange={(value) => {
        const next = value === 'stored' ? 'stored' : 'inline';
        setTab(next);
        if (next === 'inline') onChange({ kind: 'inline', contact: toInput(sample) });
        else if (storedId) onChange({ kind: 'stored', id: storedId });
      }}
      className="tabs"
    >
      <Tabs.List className="tab-list" aria-label={t('templates.previewFor')}>
        <Tabs.Trigger value="inline" className="tab">{t('templates.sampleContact')}</Tabs.Trigger>
        <Tabs.Trigger value="stored" className="tab" disabled={!can('contacts', 'read')}>{t('templates.storedContact')}</Tabs.Trigger>
      </Tabs.List>
      <Tabs.Content value="inline" className="tab-panel grid-2">
        <TextField label={t('contacts.firstName')} value={sample.firstName} onValue={(firstName) => updateSample({ firstName })} />
        <TextField label={t('contacts.lastName')} value={sample.lastName} onValue={(lastName) => updateSample({ lastName })} />
        <SelectField<SampleState['gender']>
          label={t('contacts.gender')}
          value={sample.gender}
          onValue={(gender) => updateSample({ gender })}
          options={[
            { value: 'none', label: t('contacts.genderNone') },
            { value: 'female', label: t('contacts.genderFemale') },
            { value: 'male', label: t('contacts.genderMale') },
          ]}
        />
        <TextField label={t('contacts.honorific')} value={sample.honorific} onValue={(honorific) => updateSample({ honorific })} />
        <TextField label={t('contacts.tags')} value={sample.tags} onValue={(tags) => updateSample({ tags })} />
      </Tabs.Content>
      <Tabs.Content value="stored" className="tab-panel stack">
        <TextField label={t('contacts.search')} type="search" value={search} onValue={setSearch} />
        {options.length > 0 ? (
          <SelectField
            label={t('templates.contact')}
            value={storedShown ? storedId : (firstOption ?? '')}
            onValue={(id) => {
              setStoredId(id);
              onChange({ kind: 'stored', id });
            }}
            options={options}
          />
        ) : (
          <p className="muted">{contacts.isFetching ? t('common.loading') : t('contacts.noMatches')}</p>
        )}
      </Tabs.Content>
    </Tabs.Root>
  );
}

export const DEFAULT_PREVIEW_CONTACT: PreviewContact = {
  kind: 'inline',
  contact: { phone: '05321234567', first_name: 'Ayşe', last_name: 'Yılmaz', gender: 'female', honorific: null, tags: [] },
};
