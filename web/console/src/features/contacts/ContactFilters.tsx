import { useId } from 'react';
import { useT } from '../../i18n/I18nProvider';
import { TextField } from '../../ui/Field';
import { SelectField } from '../../ui/SelectField';
import type { ContactFilter } from './contactsApi';

interface ContactFiltersProps {
  filter: ContactFilter;
  onChange: (filter: ContactFilter) => void;
  /** Tags and custom field names seen on the loaded contacts, offered as suggestions. */
  knownTags: string[];
  knownFields: string[];
}

export function ContactFilters({ filter, onChange, knownTags, knownFields }: ContactFiltersProps) {
  const t = useT();
  const tagsListId = useId();
  const fieldsListId = useId();
  const set = (patch: Partial<ContactFilter>) => onChange({ ...filter, ...patch });
  return (
    <div className="filters" role="search" aria-label={t('contacts.filters')}>
      <TextField label={t('contacts.search')} type="search" value={filter.search} onValue={(search) => set({ search })} placeholder={t('contacts.searchPlaceholder')} />
      <TextField label={t('contacts.tagFilter')} value={filter.tag} onValue={(tag) => set({ tag })} list={tagsListId} />
      <datalist id={tagsListId}>
        {knownTags.map((tag) => (
          <option key={tag} value={tag} />
        ))}
      </datalist>
      <TextField label={t('contacts.customFilterField')} value={filter.customField} onValue={(customField) => set({ customField })} list={fieldsListId} />
      <datalist id={fieldsListId}>
        {knownFields.map((field) => (
          <option key={field} value={field} />
        ))}
      </datalist>
      <TextField label={t('contacts.customFilterValue')} value={filter.customValue} onValue={(customValue) => set({ customValue })} />
      <SelectField<ContactFilter['optedOut']>
        label={t('contacts.reachability')}
        value={filter.optedOut}
        onValue={(optedOut) => set({ optedOut })}
        options={[
          { value: 'any', label: t('contacts.reachAny') },
          { value: 'no', label: t('contacts.reachable') },
          { value: 'yes', label: t('contacts.optedOutOnly') },
        ]}
      />
    </div>
  );
}
