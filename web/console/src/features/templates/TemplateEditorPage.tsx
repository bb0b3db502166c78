import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, type Schemas } from '../../api/client';
import { ApiError, actionError, fieldError, unwrap } from '../../api/errors';
import { urls } from '../../api/paths';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { TextField } from '../../ui/Field';
import { parseTags, useDebounced } from '../../ui/hooks';
import { Loading, PageHeader } from '../../ui/Layout';
import { useNotify } from '../../ui/Toast';
import { useWorkspace } from '../workspace/workspace';
import { ApprovedMapping, mappingFields, readMapping, type Mapping } from './ApprovedMapping';
import { IssueList } from './IssueList';
import { MediaPicker } from './MediaPicker';
import { indexOfPosition, templateIssues, type TemplateIssue } from './placeholders';
import { PlaceholderTextarea } from './PlaceholderTextarea';
import { DEFAULT_PREVIEW_CONTACT, PreviewContactPicker, type PreviewContact } from './PreviewPanel';
import { templateKeys, usePlaceholders, type Template } from './templatesApi';

type RenderOutcome = { kind: 'rendered'; rendered: Schemas['Rendered'] } | { kind: 'invalid'; issues: TemplateIssue[]; message: string };

export default function TemplateEditorPage() {
  const t = useT();
  const { templateId } = useParams();
  const { workspace } = useWorkspace();
  const template = useQuery({
    queryKey: templateKeys.one(workspace.id, templateId ?? ''),
    enabled: Boolean(templateId),
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/templates/{id}', { params: { path: { workspace: workspace.id, id: templateId ?? '' } } })),
  });
  if (templateId && template.isPending) return <Loading label={t('common.loading')} />;
  if (templateId && template.error) return <ErrorMessage message={template.error.message} />;
  return <TemplateEditor key={templateId ?? 'new'} template={template.data ?? null} />;
}

function TemplateEditor({ template }: { template: Template | null }) {
  const t = useT();
  const notify = useNotify();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const canWrite = can('templates', 'write');
  const placeholders = usePlaceholders();
  const issuesId = useId();
  const editorRef = useRef<HTMLTextAreaElement | null>(null);
  const [name, setName] = useState(template?.name ?? '');
  const [tags, setTags] = useState((template?.tags ?? []).join(', '));
  const [body, setBody] = useState(template?.body ?? '');
  const [media, setMedia] = useState<string[]>(template?.media ?? []);
  const [approved, setApproved] = useState<Mapping | null>(() => readMapping(template?.channel_hints));
  const [previewContact, setPreviewContact] = useState<PreviewContact>(DEFAULT_PREVIEW_CONTACT);
  const onPreviewContact = useCallback((contact: PreviewContact) => setPreviewContact(contact), []);

  const settled = useDebounced({ body, media, previewContact }, 250);
  const render = useQuery({
    queryKey: ['render', workspace.id, settled],
    enabled: settled.body.trim() !== '',
    placeholderData: (previous) => previous,
    retry: false,
    queryFn: async (): Promise<RenderOutcome> => {
      const who = settled.previewContact.kind === 'stored' ? { contact_id: settled.previewContact.id } : { contact: settled.previewContact.contact };
      try {
        const rendered = await unwrap(
          api.POST('/api/v1/workspaces/{workspace}/templates/render', { params: { path: { workspace: workspace.id } }, body: { body: settled.body, media: settled.media, ...who } }),
        );
        return { kind: 'rendered', rendered };
      } catch (error) {
        if (error instanceof ApiError && error.status === 422) return { kind: 'invalid', issues: templateIssues(error.details), message: error.message };
        throw error;
      }
    },
  });

  const save = useMutation({
    mutationFn: () => {
      const { whatsapp_cloud: _previous, ...hints } = template?.channel_hints ?? {};
      const input: Schemas['TemplateInput'] = { name, body, tags: parseTags(tags), media, channel_hints: approved ? { ...hints, whatsapp_cloud: approved } : hints };
      const path = { workspace: workspace.id };
      return template
        ? unwrap(api.PUT('/api/v1/workspaces/{workspace}/templates/{id}', { params: { path: { ...path, id: template.id } }, body: input }))
        : unwrap(api.POST('/api/v1/workspaces/{workspace}/templates', { params: { path }, body: input }));
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: templateKeys.all(workspace.id) });
      notify(t('templates.saved'));
      if (!template) void navigate(`/w/${workspace.id}/templates/${saved.id}`, { replace: true });
    },
  });

  const liveIssues = render.data?.kind === 'invalid' && settled.body === body ? render.data.issues : [];
  const saveIssues = save.error instanceof ApiError && save.error.status === 422 ? templateIssues(save.error.details) : [];
  const issues = saveIssues.length > 0 ? saveIssues : liveIssues;

  function jumpTo(issue: TemplateIssue) {
    const element = editorRef.current;
    if (!element) return;
    const start = indexOfPosition(body, issue.position.line, issue.position.column);
    const match = /^%[^%\s]*%?/u.exec(body.slice(start));
    element.focus();
    element.setSelectionRange(start, start + Math.max(1, match?.[0].length ?? 1));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  const rendered = render.data?.kind === 'rendered' ? render.data.rendered : null;
  return (
    <>
      <PageHeader title={template ? template.name : t('templates.new')}>
        <p className="muted">
          <Link to={`/w/${workspace.id}/templates`}>← {t('nav.templates')}</Link>
        </p>
      </PageHeader>
      <div className="editor-layout">
        <form className="card stack" onSubmit={submit} aria-label={t('templates.editor')}>
          <TextField label={t('templates.name')} required value={name} onValue={setName} readOnly={!canWrite} error={fieldError(save.error, 'name')} />
          <PlaceholderTextarea
            label={t('templates.body')}
            value={body}
            onValue={setBody}
            placeholders={placeholders}
            readOnly={!canWrite}
            invalid={issues.length > 0}
            describedBy={issues.length > 0 ? issuesId : undefined}
            textareaRef={editorRef}
          />
          <IssueList id={issuesId} body={body} issues={issues} onJump={jumpTo} />
          {fieldError(save.error, 'body') && issues.length === 0 ? <p className="field-error" role="alert">{fieldError(save.error, 'body')}</p> : null}
          <TextField label={t('templates.tags')} value={tags} onValue={setTags} readOnly={!canWrite} hint={t('contacts.tagsHint')} error={fieldError(save.error, 'tags')} />
          {can('media', 'read') ? <MediaPicker selected={media} onSelected={setMedia} disabled={!canWrite} /> : null}
          {fieldError(save.error, 'media') ? <p className="field-error" role="alert">{fieldError(save.error, 'media')}</p> : null}
          <ApprovedMapping value={approved} onValue={setApproved} disabled={!canWrite} error={save.error} />
          <ErrorMessage message={save.error && saveIssues.length === 0 ? actionError(save.error, ['name', 'body', 'tags', 'media', ...mappingFields(approved)]) : undefined} />
          {canWrite ? (
            <div className="row">
              <Button type="submit" variant="primary" busy={save.isPending}>
                {t('common.save')}
              </Button>
            </div>
          ) : (
            <p className="muted">{t('templates.readOnly')}</p>
          )}
        </form>
        <aside className="card stack preview" aria-label={t('templates.preview')}>
          <h2>{t('templates.preview')}</h2>
          <PreviewContactPicker onChange={onPreviewContact} />
          <div className="bubble-frame">
            <div aria-live="polite">
              {body.trim() === '' ? (
                <p className="muted">{t('templates.previewEmpty')}</p>
              ) : rendered ? (
                <div className="bubble" data-testid="preview-text">
                  {rendered.text}
                </div>
              ) : render.data?.kind === 'invalid' ? (
                <p className="muted">{t('templates.previewInvalid')}</p>
              ) : (
                <p className="muted">{t('common.loading')}</p>
              )}
            </div>
            {rendered && rendered.attachments.length > 0 ? (
              <ul className="attachments">
                {rendered.attachments.map((attachment) => (
                  <li key={attachment.id}>
                    {attachment.kind === 'image' ? <img src={urls.mediaContent(workspace.id, attachment.id)} alt={attachment.file_name} height={64} /> : null}
                    <span>{attachment.file_name}</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
          {rendered && rendered.warnings.length > 0 ? (
            <ul className="plain-list stack" data-testid="preview-warnings">
              {rendered.warnings.map((warning) => (
                <li key={warning.placeholder} className={warning.fallback_used ? 'small muted' : 'small field-error'}>
                  {t(warning.fallback_used ? 'templates.warningFallback' : 'templates.warningEmpty', { placeholder: warning.placeholder, plugin: warning.plugin, message: warning.message })}
                </li>
              ))}
            </ul>
          ) : null}
          <ErrorMessage message={render.error?.message} />
        </aside>
      </div>
    </>
  );
}
