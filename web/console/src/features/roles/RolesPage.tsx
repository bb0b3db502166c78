import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import { actionError, fieldError, unwrap } from '../../api/errors';
import { useT } from '../../i18n/I18nProvider';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Dialog } from '../../ui/Dialog';
import { ErrorMessage } from '../../ui/ErrorMessage';
import { TextField } from '../../ui/Field';
import { Loading, PageHeader, TableWrap } from '../../ui/Layout';
import { useNotify } from '../../ui/Toast';
import { useWorkspace } from '../workspace/workspace';
import { PermissionMatrix, permissionKey } from './PermissionMatrix';
import { roleKeys, useRoles, type Role } from './rolesApi';

/** Every role holds workspace:read; without it the workspace would be invisible to its members. */
const ALWAYS = permissionKey('workspace', 'read');

function RoleDialog({ role, catalogue, onClose }: { role: Role | null; catalogue: Schemas['Catalogue']; onClose: () => void }) {
  const t = useT();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const readOnly = Boolean(role?.builtin) || !can('roles', 'write');
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [granted, setGranted] = useState(() => new Set([ALWAYS, ...(role?.permissions ?? []).map((p) => permissionKey(p.resource, p.action))]));

  const save = useMutation({
    mutationFn: () => {
      const permissions = [...granted].map((key) => {
        const [resource = '', action = ''] = key.split(':');
        return { resource, action };
      });
      const path = { workspace: workspace.id };
      return role
        ? unwrap(api.PUT('/api/v1/workspaces/{workspace}/roles/{name}', { params: { path: { ...path, name: role.name } }, body: { description, permissions } }))
        : unwrap(api.POST('/api/v1/workspaces/{workspace}/roles', { params: { path }, body: { name, description, permissions } }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: roleKeys.all(workspace.id) });
      notify(t('roles.saved', { name }));
      onClose();
    },
  });

  function toggle(resource: string, action: string, on: boolean) {
    setGranted((current) => {
      const next = new Set(current);
      if (on) next.add(permissionKey(resource, action));
      else next.delete(permissionKey(resource, action));
      next.add(ALWAYS);
      return next;
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  const title = role ? (readOnly ? t('roles.viewTitle', { name: role.name }) : t('roles.editTitle', { name: role.name })) : t('roles.newTitle');
  return (
    <Dialog open onOpenChange={(open) => (open ? undefined : onClose())} title={title} wide>
      <form className="stack" onSubmit={submit}>
        <div className="grid-2">
          <TextField label={t('roles.name')} required value={name} onValue={setName} readOnly={Boolean(role)} hint={role ? undefined : t('roles.nameHint')} error={fieldError(save.error, 'name')} />
          <TextField label={t('roles.description')} value={description} onValue={setDescription} readOnly={readOnly} error={fieldError(save.error, 'description')} />
        </div>
        <PermissionMatrix
          catalogue={catalogue}
          granted={granted}
          caption={t('roles.matrixFor', { name: name || t('roles.newTitle') })}
          editable={(resource, action) => permissionKey(resource, action) !== ALWAYS && can(resource, action)}
          {...(readOnly ? {} : { onToggle: toggle })}
        />
        {readOnly ? null : <p className="hint">{t('roles.grantHint')}</p>}
        <ErrorMessage message={actionError(save.error, ['name', 'description'])} />
        <div className="dialog-actions">
          <Button onClick={onClose}>{readOnly ? t('common.close') : t('common.cancel')}</Button>
          {readOnly ? null : (
            <Button type="submit" variant="primary" busy={save.isPending}>
              {t('common.save')}
            </Button>
          )}
        </div>
      </form>
    </Dialog>
  );
}

export default function RolesPage() {
  const t = useT();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { workspace, can } = useWorkspace();
  const canWrite = can('roles', 'write');
  const roles = useRoles();
  const catalogue = useQuery({ queryKey: ['permissions-catalogue'], staleTime: Infinity, queryFn: () => unwrap(api.GET('/api/v1/permissions')) });
  const [open, setOpen] = useState<{ role: Role | null } | null>(null);

  async function remove(role: Role) {
    await unwrap(api.DELETE('/api/v1/workspaces/{workspace}/roles/{name}', { params: { path: { workspace: workspace.id, name: role.name } } }));
    await queryClient.invalidateQueries({ queryKey: roleKeys.all(workspace.id) });
    notify(t('roles.deleted', { name: role.name }));
  }

  return (
    <>
      <PageHeader
        title={t('nav.roles')}
        actions={
          canWrite ? (
            <Button variant="primary" onClick={() => setOpen({ role: null })} disabled={!catalogue.data}>
              {t('roles.new')}
            </Button>
          ) : null
        }
      >
        <p className="muted">{t('roles.subtitle')}</p>
      </PageHeader>
      <ErrorMessage message={roles.error?.message ?? catalogue.error?.message} />
      {roles.isPending ? (
        <Loading label={t('common.loading')} />
      ) : (
        <TableWrap label={t('nav.roles')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('roles.name')}</th>
                <th scope="col">{t('roles.description')}</th>
                <th scope="col" className="num">{t('roles.permissions')}</th>
                <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {(roles.data?.items ?? []).map((role) => (
                <tr key={role.name}>
                  <td>
                    {role.name} {role.builtin ? <span className="badge">{t('roles.builtin')}</span> : null}
                  </td>
                  <td>{role.description}</td>
                  <td className="num">{role.permissions.length}</td>
                  <td className="nowrap">
                    <Button small onClick={() => setOpen({ role })} disabled={!catalogue.data} aria-label={t(role.builtin || !canWrite ? 'roles.viewNamed' : 'roles.editNamed', { name: role.name })}>
                      {role.builtin || !canWrite ? t('roles.view') : t('common.edit')}
                    </Button>{' '}
                    {canWrite && !role.builtin ? (
                      <ConfirmDialog
                        trigger={<Button small variant="ghost" aria-label={t('roles.deleteNamed', { name: role.name })}>{t('common.delete')}</Button>}
                        title={t('roles.deleteTitle')}
                        description={t('roles.deleteConfirm', { name: role.name })}
                        confirmLabel={t('common.delete')}
                        onConfirm={() => remove(role)}
                      />
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {open && catalogue.data ? <RoleDialog key={open.role?.name ?? 'new'} role={open.role} catalogue={catalogue.data} onClose={() => setOpen(null)} /> : null}
    </>
  );
}
