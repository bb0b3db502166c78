import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api, type Schemas } from '../../api/client';
import { actionError, unwrap } from '../../api/errors';
import { postFormWithProgress } from '../../api/forms';
import { urls } from '../../api/paths';
import { useFormat } from '../../i18n/format';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { FieldFrame } from '../../ui/Field';
import { EmptyState, Loading, PageHeader } from '../../ui/Layout';
import { ProgressBar } from '../../ui/ProgressBar';
import { useNotify } from '../../ui/Toast';
import { useWorkspace } from '../workspace/workspace';

type Media = Schemas['Media'];

interface Upload {
  name: string;
  fraction: number;
  error?: unknown;
}

function MediaPreview({ item, workspace }: { item: Media; workspace: string }) {
  const t = useT();
  const content = urls.mediaContent(workspace, item.id);
  switch (item.kind) {
    case 'image':
      return (
        <a href={content} target="_blank" rel="noreferrer" className="media-thumb">
          <img src={item.has_thumbnail ? urls.mediaThumbnail(workspace, item.id) : content} alt={item.file_name} loading="lazy" />
        </a>
      );
    case 'audio':
      return <audio controls preload="none" src={content} aria-label={item.file_name} />;
    case 'video':
      return <video controls preload="metadata" src={content} aria-label={item.file_name} />;
    case 'document':
      return (
        <a href={content} download={item.file_name} className="media-doc" aria-label={t('media.download', { name: item.file_name })}>
          <span className="file-icon" aria-hidden="true">{item.mime.split('/').pop()?.slice(0, 4)}</span>
        </a>
      );
  }
}

export default function MediaPage() {
  const t = useT();
  const format = useFormat();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const canWrite = can('media', 'write');
  const input = useRef<HTMLInputElement | null>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const media = useQuery({
    queryKey: ['media', workspace.id],
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/media', { params: { path: { workspace: workspace.id }, query: { limit: 500 } } })),
  });

  async function upload(files: FileList) {
    const list = Array.from(files);
    setUploads(list.map((file) => ({ name: file.name, fraction: 0 })));
    await Promise.all(
      list.map(async (file, index) => {
        const form = new FormData();
        form.append('file', file, file.name);
        const update = (patch: Partial<Upload>) => setUploads((current) => current.map((u, i) => (i === index ? { ...u, ...patch } : u)));
        try {
          await postFormWithProgress<Media>(urls.media(workspace.id), form, (fraction) => update({ fraction }));
          notify(t('media.uploaded', { name: file.name }));
        } catch (error) {
          update({ error });
        }
      }),
    );
    await queryClient.invalidateQueries({ queryKey: ['media', workspace.id] });
    await queryClient.invalidateQueries({ queryKey: ['dashboard', workspace.id] });
    setUploads((current) => current.filter((u) => u.error));
    if (input.current) input.current.value = '';
  }

  async function remove(item: Media) {
    await unwrap(api.DELETE('/api/v1/workspaces/{workspace}/media/{id}', { params: { path: { workspace: workspace.id, id: item.id } } }));
    await queryClient.invalidateQueries({ queryKey: ['media', workspace.id] });
    notify(t('media.deleted'));
  }

  const items = media.data?.items ?? [];
  return (
    <>
      <PageHeader title={t('nav.media')}>
        <p className="muted">{t('media.subtitle')}</p>
      </PageHeader>
      {canWrite ? (
        <section className="card stack">
          <FieldFrame label={t('media.upload')} hint={t('media.uploadHint')}>
            {({ id, describedBy }) => (
              <input
                id={id}
                ref={input}
                type="file"
                multiple
                aria-describedby={describedBy}
                accept="image/*,audio/*,video/*,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.txt,.csv,.zip"
                onChange={(event) => {
                  if (event.target.files?.length) void upload(event.target.files);
                }}
              />
            )}
          </FieldFrame>
          {uploads.map((item) => (
            <div key={item.name}>
              <ProgressBar label={t('media.uploading', { name: item.name })} fraction={item.fraction} detail={format.percent(item.fraction)} />
              <ErrorMessage message={actionError(item.error)} />
            </div>
          ))}
        </section>
      ) : null}
      <ErrorMessage message={media.error?.message} />
      {media.isPending ? (
        <Loading label={t('common.loading')} />
      ) : items.length === 0 ? (
        <EmptyState>{t('media.none')}</EmptyState>
      ) : (
        <ul className="media-grid">
          {items.map((item) => (
            <li key={item.id} className="media-card" data-testid="media-item">
              <MediaPreview item={item} workspace={workspace.id} />
              <div className="media-meta">
                <a href={urls.mediaContent(workspace.id, item.id)} download={item.file_name} className="media-name">
                  {item.file_name}
                </a>
                <span className="muted small">
                  {t(`media.kind.${item.kind}`)} · {format.bytes(item.size)} · {format.date(item.created_at)}
                </span>
              </div>
              {canWrite ? (
                <ConfirmDialog
                  trigger={<Button small variant="ghost" aria-label={t('media.deleteNamed', { name: item.file_name })}>{t('common.delete')}</Button>}
                  title={t('media.deleteTitle')}
                  description={t('media.deleteConfirm', { name: item.file_name })}
                  confirmLabel={t('common.delete')}
                  onConfirm={() => remove(item)}
                />
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
