import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { unwrap } from '../../api/errors';
import { urls } from '../../api/paths';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { EmptyState } from '../../ui/Layout';
import { useWorkspace } from '../workspace/workspace';

interface MediaPickerProps {
  selected: string[];
  onSelected: (ids: string[]) => void;
  disabled: boolean;
}

/** Attachments sent with every message of the template, chosen from the media library. */
export function MediaPicker({ selected, onSelected, disabled }: MediaPickerProps) {
  const t = useT();
  const format = useFormat();
  const { workspace } = useWorkspace();
  const media = useQuery({
    queryKey: ['media', workspace.id],
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/media', { params: { path: { workspace: workspace.id }, query: { limit: 500 } } })),
  });
  const items = media.data?.items ?? [];
  if (media.isSuccess && items.length === 0) return <EmptyState>{t('templates.noMedia')}</EmptyState>;
  return (
    <fieldset className="fieldset media-picker" disabled={disabled}>
      <legend>{t('templates.attachments')}</legend>
      <ul>
        {items.map((item) => {
          const checked = selected.includes(item.id);
          return (
            <li key={item.id}>
              <label className={checked ? 'pick checked' : 'pick'}>
                <input
                  type="checkbox"
                  checked={checked}
                  onChange={(event) => onSelected(event.target.checked ? [...selected, item.id] : selected.filter((id) => id !== item.id))}
                />
                {item.has_thumbnail ? <img src={urls.mediaThumbnail(workspace.id, item.id)} alt="" width={40} height={40} loading="lazy" /> : <span className="file-icon" aria-hidden="true">{item.kind.slice(0, 3)}</span>}
                <span>
                  {item.file_name}
                  <span className="muted small"> · {t(`media.kind.${item.kind}`)} · {format.bytes(item.size)}</span>
                </span>
              </label>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
