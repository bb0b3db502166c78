import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { CheckboxField, TextAreaField, TextField } from '../../ui/Field';
import { parseTags } from '../../ui/hooks';
import { SelectField } from '../../ui/SelectField';
import { useNotify } from '../../ui/Toast';
import { useWorkspace } from '../workspace/workspace';
import { contactKeys, type Contact, type ContactInput } from './contactsApi';

type Gender = 'none' | 'female' | 'male';
type Language = 'none' | 'tr' | 'en';

interface CustomRow {
  name: string;
  value: string;
  /** The stored value's type, kept when the text still reads as one. */
  kind: 'string' | 'number' | 'boolean';
}

const FIELDS = ['phone', 'first_name', 'last_name', 'email', 'gender', 'honorific', 'language', 'tags', 'custom_fields', 'notes', 'opt_out_reason'] as const;

function customRows(contact: Contact | null): CustomRow[] {
  return Object.entries(contact?.custom_fields ?? {}).map(([name, value]) => ({
    name,
    value: String(value),
    kind: typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string',
  }));
}

function customValue(row: CustomRow): string | number | boolean {
  if (row.kind === 'number' && row.value.trim() !== '' && Number.isFinite(Number(row.value))) return Number(row.value);
  if (row.kind === 'boolean' && (row.value === 'true' || row.value === 'false')) return row.value === 'true';
  return row.value;
}

const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

interface ContactDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The contact to edit; null creates one. */
  contact: Contact | null;
}

export function ContactDialog({ open, onOpenChange, contact }: ContactDialogProps) {
  return (
    <ContactDialogFrame open={open} onOpenChange={onOpenChange} contact={contact} key={`${contact?.id ?? 'new'}-${open}`} />
  );
}

function ContactDialogFrame({ open, onOpenChange, contact }: ContactDialogProps) {
  const t = useT();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace } = useWorkspace();
  const [phone, setPhone] = useState(contact?.phone ?? '');
  const [firstName, setFirstName] = useState(contact?.first_name ?? '');
  const [lastName, setLastName] = useState(contact?.last_name ?? '');
  const [email, setEmail] = useState(contact?.email ?? '');
  const [gender, setGender] = useState<Gender>(contact?.gender ?? 'none');
  const [honorific, setHonorific] = useState(contact?.honorific ?? '');
  const [language, setLanguage] = useState<Language>(contact?.language === 'tr' || contact?.language === 'en' ? contact.language : 'none');
  const [tags, setTags] = useState((contact?.tags ?? []).join(', '));
  const [custom, setCustom] = useState<CustomRow[]>(() => customRows(contact));
  const [notes, setNotes] = useState(contact?.notes ?? '');
  const [optedOut, setOptedOut] = useState(contact?.opted_out ?? false);
  const [optOutReason, setOptOutReason] = useState(contact?.opt_out_reason ?? '');

  const save = useMutation({
    mutationFn: () => {
      const body: ContactInput = {
        phone: phone.trim(),
        first_name: orNull(firstName),
        last_name: orNull(lastName),
        email: orNull(email),
        gender: gender === 'none' ? null : gender,
        honorific: orNull(honorific),
        language: language === 'none' ? null : language,
        tags: parseTags(tags),
        custom_fields: Object.fromEntries(custom.filter((row) => row.name.trim()).map((row) => [row.name.trim(), customValue(row)])),
        notes: orNull(notes),
        opted_out: optedOut,
        opt_out_reason: optedOut ? orNull(optOutReason) : null,
      };
      const path = { workspace: workspace.id };
      return contact
        ? unwrap(api.PATCH('/api/v1/workspaces/{workspace}/contacts/{id}', { params: { path: { ...path, id: contact.id } }, body }))
        : unwrap(api.POST('/api/v1/workspaces/{workspace}/contacts', { params: { path }, body }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: contactKeys.all(workspace.id) });
      await queryClient.invalidateQueries({ queryKey: ['dashboard', workspace.id] });
      notify(contact ? t('contacts.saved') : t('contacts.created'));
      onOpenChange(false);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  const error = save.error;
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={contact ? t('contacts.editTitle') : t('contacts.addTitle')} wide>
      <form onSubmit={submit} className="stack">
        <div className="grid-2">
          <TextField label={t('contacts.phone')} required type="tel" autoComplete="off" value={phone} onValue={setPhone} hint={t('contacts.phoneHint')} error={fieldError(error, 'phone')} />
          <TextField label={t('contacts.email')} type="email" value={email} onValue={setEmail} error={fieldError(error, 'email')} />
          <TextField label={t('contacts.firstName')} value={firstName} onValue={setFirstName} error={fieldError(error, 'first_name')} />
          <TextField label={t('contacts.lastName')} value={lastName} onValue={setLastName} error={fieldError(error, 'last_name')} />
          <SelectField<Gender>
            label={t('contacts.gender')}
            value={gender}
            onValue={setGender}
            hint={t('contacts.genderHint')}
            error={fieldError(error, 'gender')}
            options={[
              { value: 'none', label: t('contacts.genderNone') },
              { value: 'female', label: t('contacts.genderFemale') },
              { value: 'male', label: t('contacts.genderMale') },
            ]}
          />
          <TextField label={t('contacts.honorific')} value={honorific} onValue={setHonorific} hint={t('contacts.honorificHint')} error={fieldError(error, 'honorific')} />
          <SelectField<Language>
            label={t('contacts.language')}
            value={language}
            onValue={setLanguage}
            error={fieldError(error, 'language')}
            options={[
              { value: 'none', label: t('contacts.languageWorkspace') },
              { value: 'tr', label: 'Türkçe' },
              { value: 'en', label: 'English' },
            ]}
          />
          <TextField label={t('contacts.tags')} value={tags} onValue={setTags} hint={t('contacts.tagsHint')} error={fieldError(error, 'tags')} />
        </div>
        <fieldset className="fieldset">
          <legend>{t('contacts.customFields')}</legend>
          {custom.map((row, index) => (
            <div className="row custom-row" key={index}>
              <TextField
                label={t('contacts.customName')}
                value={row.name}
                onValue={(name) => setCustom((rows) => rows.map((r, i) => (i === index ? { ...r, name } : r)))}
              />
              <TextField
                label={t('contacts.customValue')}
                value={row.value}
                onValue={(value) => setCustom((rows) => rows.map((r, i) => (i === index ? { ...r, value } : r)))}
              />
              <Button small variant="ghost" onClick={() => setCustom((rows) => rows.filter((_, i) => i !== index))} aria-label={t('contacts.removeField', { name: row.name || String(index + 1) })}>
                ✕
              </Button>
            </div>
          ))}
          <Button small onClick={() => setCustom((rows) => [...rows, { name: '', value: '', kind: 'string' }])}>
            + {t('contacts.addField')}
          </Button>
          {fieldError(error, 'custom_fields') ? <p className="field-error" role="alert">{fieldError(error, 'custom_fields')}</p> : null}
        </fieldset>
        <TextAreaField label={t('contacts.notes')} rows={2} value={notes} onValue={setNotes} error={fieldError(error, 'notes')} />
        <CheckboxField label={t('contacts.optedOut')} checked={optedOut} onChecked={setOptedOut} hint={t('contacts.optedOutHint')} />
        {optedOut ? <TextField label={t('contacts.optOutReason')} value={optOutReason} onValue={setOptOutReason} error={fieldError(error, 'opt_out_reason')} /> : null}
        <ErrorMessage message={actionError(error, FIELDS)} />
        <div className="dialog-actions">
          <Button onClick={() => onOpenChange(false)}>{t('common.cancel')}</Button>
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t('common.save')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
