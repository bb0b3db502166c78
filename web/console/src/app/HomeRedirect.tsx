import { useQuery } from '@tanstack/react-query';
import { Navigate } from 'react-router';
import { api } from '../api/client';
import { unwrap } from '../api/errors';
import { useT } from '../i18n/I18nProvider';
import { lastWorkspaceId, useWorkspaces } from '../features/workspace/workspace';
import { invitationKeys } from '../features/invitations/keys';
import { Loading } from '../ui/Layout';
import { ErrorMessage } from '../ui/ErrorMessage';

/** `/app/`: open invitations first, else the workspace used last, else the first one. */
export function HomeRedirect() {
  const t = useT();
  const workspaces = useWorkspaces();
  const invitations = useQuery({
    queryKey: invitationKeys.mine,
    queryFn: () => unwrap(api.GET('/api/v1/invitations')),
  });
  if (workspaces.error) return <ErrorMessage message={workspaces.error.message} />;
  if (!workspaces.data || invitations.isPending) return <Loading label={t('common.loading')} />;
  if ((invitations.data?.items.length ?? 0) > 0) return <Navigate to="/invitations" replace />;
  const items = workspaces.data.items;
  const last = lastWorkspaceId();
  const target = items.find((workspace) => workspace.id === last) ?? items[0];
  return <Navigate to={target ? `/w/${target.id}` : '/invitations'} replace />;
}
