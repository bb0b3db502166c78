import * as Dialog from '@radix-ui/react-dialog';
import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { Suspense, useState, type ReactNode } from 'react';
import { Link, NavLink, useNavigate } from 'react-router';
import { useT } from '../i18n/I18nProvider';
import { useSessionActions, useUser } from '../features/session/session';
import { lastWorkspaceId, useOptionalWorkspace } from '../features/workspace/workspace';
import { WorkspaceSwitcher } from '../features/workspace/WorkspaceSwitcher';
import { Loading } from '../ui/Layout';
import { Icon } from './icons';
import { LanguageSwitch } from './LanguageSwitch';
import { WORKSPACE_SCREENS } from './screens';

function Navigation({ onNavigate }: { onNavigate?: () => void }) {
  const t = useT();
  const user = useUser();
  const scope = useOptionalWorkspace();
  const fallbackWorkspace = scope ? null : lastWorkspaceId();
  const linkClass = ({ isActive }: { isActive: boolean }) => (isActive ? 'nav-link active' : 'nav-link');

  return (
    <nav aria-label={t('nav.main')} className="nav">
      {scope ? (
        <ul>
          {WORKSPACE_SCREENS.filter((screen) => screen.inNav)
            .filter((screen) => !screen.requires || scope.can(screen.requires.resource, screen.requires.action))
            .map((screen) => (
              <li key={screen.path}>
                <NavLink
                  to={`/w/${scope.workspace.id}${screen.path ? `/${screen.path}` : ''}`}
                  end={screen.path === ''}
                  className={linkClass}
                  onClick={onNavigate}
                >
                  <Icon name={screen.icon} />
                  {t(screen.label)}
                </NavLink>
              </li>
            ))}
        </ul>
      ) : fallbackWorkspace ? (
        <ul>
          <li>
            <NavLink to={`/w/${fallbackWorkspace}`} className={linkClass} onClick={onNavigate}>
              <Icon name="dashboard" />
              {t('nav.backToWorkspace')}
            </NavLink>
          </li>
        </ul>
      ) : null}
      <p className="nav-heading">{t('nav.account')}</p>
      <ul>
        <li>
          <NavLink to="/invitations" className={linkClass} onClick={onNavigate}>
            <Icon name="invitations" />
            {t('nav.invitations')}
          </NavLink>
        </li>
        <li>
          <NavLink to="/profile" className={linkClass} onClick={onNavigate}>
            <Icon name="profile" />
            {t('nav.profile')}
          </NavLink>
        </li>
        {user.superadmin ? (
          <li>
            <NavLink to="/admin/users" className={linkClass} onClick={onNavigate}>
              <Icon name="users" />
              {t('nav.users')}
            </NavLink>
          </li>
        ) : null}
        {user.superadmin ? (
          <li>
            <NavLink to="/admin/audit" className={linkClass} onClick={onNavigate}>
              <Icon name="audit" />
              {t('nav.instanceAudit')}
            </NavLink>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

function UserMenu() {
  const t = useT();
  const user = useUser();
  const navigate = useNavigate();
  const { signOut } = useSessionActions();
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="user-trigger">
        <span className="visually-hidden">{t('nav.userMenu')}: </span>
        <span className="avatar" aria-hidden="true">
          {user.name.slice(0, 1).toLocaleUpperCase()}
        </span>
        <span className="user-name">{user.name}</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="end" sideOffset={6}>
          <DropdownMenu.Label className="menu-label">{user.email}</DropdownMenu.Label>
          <DropdownMenu.Item className="menu-item" onSelect={() => void navigate('/profile')}>
            {t('nav.profile')}
          </DropdownMenu.Item>
          <DropdownMenu.Separator className="menu-separator" />
          <DropdownMenu.Item
            className="menu-item"
            onSelect={() => {
              void signOut().finally(() => void navigate('/signin'));
            }}
          >
            {t('auth.signOut')}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

function MobileMenu() {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger className="icon-button menu-button" aria-label={t('nav.openMenu')}>
        <Icon name="menu" />
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="drawer" aria-describedby={undefined}>
          <div className="dialog-header">
            <Dialog.Title>{t('nav.main')}</Dialog.Title>
            <Dialog.Close className="icon-button" aria-label={t('common.close')}>
              ✕
            </Dialog.Close>
          </div>
          <Navigation onNavigate={() => setOpen(false)} />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** Header, navigation and the page; every signed-in screen renders inside it. */
export function AppShell({ children }: { children: ReactNode }) {
  const t = useT();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <MobileMenu />
        <Link to="/" className="brand">
          <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width={26} height={26} />
          <span>Ulak</span>
        </Link>
        <WorkspaceSwitcher />
        <div className="topbar-end">
          <LanguageSwitch />
          <UserMenu />
        </div>
      </header>
      <aside className="sidebar">
        <Navigation />
      </aside>
      <main id="main" className="content" tabIndex={-1}>
        <Suspense fallback={<Loading label={t('common.loading')} />}>
          {children}
        </Suspense>
      </main>
    </div>
  );
}
