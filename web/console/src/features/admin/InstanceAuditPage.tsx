import { useT } from '../../i18n/I18nProvider';
import { PageHeader } from '../../ui/Layout';
import { AuditLog } from '../audit/AuditLog';
import { useUser } from '../session/session';

/** Superadmin: the instance's audit log (sign-ins, plugins, and every workspace's entries). */
export default function InstanceAuditPage() {
  const t = useT();
  const me = useUser();
  if (!me.superadmin) {
    return (
      <div className="card">
        <h1>{t('workspace.notAllowedTitle')}</h1>
        <p>{t('audit.superadminOnly')}</p>
      </div>
    );
  }
  return (
    <>
      <PageHeader title={t('nav.instanceAudit')}>
        <p className="muted">{t('audit.instanceIntro')}</p>
      </PageHeader>
      <AuditLog workspace={null} />
    </>
  );
}
