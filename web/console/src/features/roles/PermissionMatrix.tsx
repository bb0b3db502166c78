import type { Schemas } from '../../api/client';
import { useT } from '../../i18n/I18nProvider';
import { TableWrap } from '../../ui/Layout';

type Catalogue = Schemas['Catalogue'];

export const permissionKey = (resource: string, action: string) => `${resource}:${action}`;

interface PermissionMatrixProps {
  catalogue: Catalogue;
  /** Granted permissions as `resource:action`. */
  granted: Set<string>;
  onToggle?: (resource: string, action: string, on: boolean) => void;
  /** Whether a cell may change (you cannot grant what you do not hold). */
  editable: (resource: string, action: string) => boolean;
  caption: string;
}

/** Resources × actions; a checkbox where the catalogue offers that action on that resource. */
export function PermissionMatrix({ catalogue, granted, onToggle, editable, caption }: PermissionMatrixProps) {
  const t = useT();
  const actions = [...new Set(catalogue.permissions.flatMap((entry) => entry.actions))];
  return (
    <TableWrap label={caption}>
      <table className="table matrix">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('roles.resource')}</th>
            {actions.map((action) => (
              <th scope="col" key={action} className="center">
                {action}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {catalogue.permissions.map((entry) => (
            <tr key={entry.resource}>
              <th scope="row">
                <span className="resource-name">{entry.resource}</span>
                <span className="muted small block">{entry.description}</span>
              </th>
              {actions.map((action) => {
                if (!entry.actions.includes(action)) {
                  return (
                    <td key={action} className="center muted" aria-label={t('roles.notApplicable')}>
                      –
                    </td>
                  );
                }
                const key = permissionKey(entry.resource, action);
                const checked = granted.has(key);
                return (
                  <td key={action} className="center">
                    <input
                      type="checkbox"
                      aria-label={`${entry.resource}: ${action}`}
                      checked={checked}
                      disabled={!onToggle || !editable(entry.resource, action)}
                      onChange={(event) => onToggle?.(entry.resource, action, event.target.checked)}
                    />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
