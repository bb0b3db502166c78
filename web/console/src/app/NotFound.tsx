import { Link } from 'react-router';
import { useT } from '../i18n/I18nProvider';

export function NotFound() {
  const t = useT();
  return (
    <div className="card">
      <h1>{t('common.notFoundTitle')}</h1>
      <p>{t('common.notFound')}</p>
      <Link to="/">{t('common.goHome')}</Link>
    </div>
  );
}
