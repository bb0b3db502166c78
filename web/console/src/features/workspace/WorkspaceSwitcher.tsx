import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useT } from '../../i18n/I18nProvider';
import { CreateWorkspaceDialog } from './CreateWorkspaceDialog';
import { useOptionalWorkspace, useWorkspaces } from './workspace';

/** The current workspace's name; opens a menu of your workspaces and "create workspace". */
export function WorkspaceSwitcher() {
  const t = useT();
  const navigate = useNavigate();
  const current = useOptionalWorkspace();
  const workspaces = useWorkspaces();
  const [creating, setCreating] = useState(false);
  const items = workspaces.data?.items ?? [];

  return (
    <>
      <DropdownMenu.Root>
        <DropdownMenu.Trigger className="switcher-trigger">
          <span className="visually-hidden">{t('workspace.switch')}: </span>
          <span className="switcher-name">{current?.workspace.name ?? t('workspace.choose')}</span>
          <span aria-hidden="true">▾</span>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content className="menu" align="start" sideOffset={6}>
            <DropdownMenu.Label className="menu-label">{t('workspace.yours')}</DropdownMenu.Label>
            <DropdownMenu.RadioGroup
              value={current?.workspace.id ?? ''}
              onValueChange={(id) => void navigate(`/w/${id}`)}
            >
              {items.map((workspace) => (
                <DropdownMenu.RadioItem key={workspace.id} value={workspace.id} className="menu-item">
                  <DropdownMenu.ItemIndicator className="menu-indicator">✓</DropdownMenu.ItemIndicator>
                  <span>{workspace.name}</span>
                  {workspace.role ? <span className="menu-meta">{workspace.role}</span> : null}
                </DropdownMenu.RadioItem>
              ))}
            </DropdownMenu.RadioGroup>
            <DropdownMenu.Separator className="menu-separator" />
            <DropdownMenu.Item className="menu-item" onSelect={() => setCreating(true)}>
              + {t('workspace.create')}
            </DropdownMenu.Item>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      <CreateWorkspaceDialog open={creating} onOpenChange={setCreating} />
    </>
  );
}
