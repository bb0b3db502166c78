import { useT } from '../../i18n/I18nProvider';
import { PageHeader } from '../../ui/Layout';
import { useWorkspace } from '../workspace/workspace';
import { AuditLog } from './AuditLog';

/** The workspace's audit log (owners and admins: `audit:read`). */
export default function AuditPage() {
  const t = useT();
  const { workspace } = useWorkspace();
  return (
    <>
      <PageHeader title={t('nav.audit')}>
        <p className="muted">{t('audit.intro')}</p>
      </PageHeader>
      <AuditLog workspace={workspace.id} />
    </>
  );
}
