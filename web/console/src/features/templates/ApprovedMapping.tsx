import { useQueries } from '@tanstack/react-query';
import { api } from '../../api/client';
import { fieldError, unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { TextField } from '../../ui/Field';
import { SelectField } from '../../ui/SelectField';
import { approvedKeys, useChannels, type ApprovedTemplate } from '../channels/channelsApi';
import { useWorkspace } from '../workspace/workspace';

/** `channel_hints.whatsapp_cloud`: the approved template sent outside the 24-hour window. */
export interface Mapping {
  template: string;
  language: string;
  header: string[];
  body: string[];
}

const NONE = '-';
export const MAPPING_FIELD = 'channel_hints.whatsapp_cloud';

/** The mapping stored in a template's channel hints, if it has one. */
export function readMapping(hints: Record<string, unknown> | undefined): Mapping | null {
  const raw = hints?.whatsapp_cloud as Partial<Mapping> | undefined;
  if (!raw || typeof raw.template !== 'string' || typeof raw.language !== 'string') return null;
  return { template: raw.template, language: raw.language, header: raw.header ?? [], body: raw.body ?? [] };
}

const keyOf = (name: string, language: string) => `${name}|${language}`;

interface ApprovedMappingProps {
  value: Mapping | null;
  onValue: (value: Mapping | null) => void;
  disabled: boolean;
  error: unknown;
}

/** Maps the template onto one approved at Meta, parameter by parameter (shown when the workspace has a Cloud API channel). */
export function ApprovedMapping({ value, onValue, disabled, error }: ApprovedMappingProps) {
  const t = useT();
  const { workspace, can } = useWorkspace();
  const channels = useChannels(can('channels', 'read'));
  const cloud = (channels.data?.items ?? []).filter((c) => c.kind === 'whatsapp_cloud');
  const lists = useQueries({
    queries: cloud.map((channel) => ({
      queryKey: approvedKeys.one(workspace.id, channel.id),
      queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/channels/{id}/templates', { params: { path: { workspace: workspace.id, id: channel.id } } })),
    })),
  });
  if (cloud.length === 0 && !value) return null;
  const known = new Map<string, ApprovedTemplate>();
  for (const list of lists) for (const template of list.data?.templates ?? []) if (template.status === 'APPROVED') known.set(keyOf(template.name, template.language), template);
  const selected = value ? keyOf(value.template, value.language) : NONE;
  const options = [{ value: NONE, label: t('templates.approvedNone') }, ...[...known.keys()].sort().map((key) => ({ value: key, label: key.replace('|', ' · ') }))];
  if (value && !known.has(selected)) options.push({ value: selected, label: `${value.template} · ${value.language}` });
  const chosen = value ? known.get(selected) : undefined;
  // The list opens once every channel's templates are read: options arriving while it is open would move under the pointer.
  const reading = channels.isPending || lists.some((list) => list.isPending);

  function choose(key: string) {
    if (key === NONE) return onValue(null);
    const template = known.get(key);
    const [name = '', language = ''] = key.split('|');
    const sized = (count: number | undefined, previous: string[] = []) => Array.from({ length: count ?? previous.length }, (_, i) => previous[i] ?? '');
    onValue({ template: name, language, header: sized(template?.header_params?.length, value?.header), body: sized(template?.body_params?.length, value?.body) });
  }

  function setParam(part: 'header' | 'body', index: number, text: string) {
    if (!value) return;
    const next = [...value[part]];
    next[index] = text;
    onValue({ ...value, [part]: next });
  }

  const mediaHeader = chosen?.header_format && ['IMAGE', 'VIDEO', 'DOCUMENT'].includes(chosen.header_format) ? chosen.header_format : null;
  return (
    <fieldset className="fieldset stack" data-testid="approved-mapping">
      <legend>{t('templates.approvedTitle')}</legend>
      <p className="hint">{t('templates.approvedHelp')}</p>
      <SelectField label={t('templates.approvedTemplate')} value={selected} options={options} onValue={choose} disabled={disabled || reading} error={fieldError(error, `${MAPPING_FIELD}.template`) ?? fieldError(error, `${MAPPING_FIELD}.language`) ?? fieldError(error, MAPPING_FIELD)} />
      {chosen ? (
        <p className="small muted" data-testid="approved-body">
          {chosen.header_text ? <strong>{chosen.header_text} </strong> : null}
          {chosen.body}
        </p>
      ) : null}
      {mediaHeader ? <p className="hint">{t('templates.approvedMediaHeader', { kind: mediaHeader.toLowerCase() })}</p> : null}
      {value
        ? (['header', 'body'] as const).map((part) =>
            value[part].map((text, index) => {
              const names = part === 'header' ? chosen?.header_params : chosen?.body_params;
              const placeholder = `{{${names?.[index] ?? index + 1}}}`;
              return (
                <TextField
                  key={`${part}-${index}`}
                  label={t(part === 'header' ? 'templates.approvedHeaderParam' : 'templates.approvedBodyParam', { placeholder })}
                  required
                  value={text}
                  onValue={(next) => setParam(part, index, next)}
                  readOnly={disabled}
                  placeholder="%ad%"
                  error={fieldError(error, `${MAPPING_FIELD}.${part}[${index}]`)}
                />
              );
            }),
          )
        : null}
    </fieldset>
  );
}

/** The mapping's fields, whose errors show next to their inputs. */
export function mappingFields(value: Mapping | null): string[] {
  const fields = [MAPPING_FIELD, `${MAPPING_FIELD}.template`, `${MAPPING_FIELD}.language`];
  if (value) for (const part of ['header', 'body'] as const) value[part].forEach((_, i) => fields.push(`${MAPPING_FIELD}.${part}[${i}]`));
  return fields;
}
