import { useT } from '../../i18n/I18nProvider';
import type { TemplateIssue } from './placeholders';

interface IssueListProps {
  id: string;
  body: string;
  issues: TemplateIssue[];
  /** Moves the caret to an issue in the editor. */
  onJump: (issue: TemplateIssue) => void;
}

/** Each problem the server found, with its line and column and the line marked under it. */
export function IssueList({ id, body, issues, onJump }: IssueListProps) {
  const t = useT();
  if (issues.length === 0) return null;
  const lines = body.split('\n');
  return (
    <div id={id} className="issues-panel" role="alert">
      <p className="issues-title">{t('templates.issues', { count: issues.length })}</p>
      <ul>
        {issues.map((issue, index) => {
          const { line, column } = issue.position;
          const text = lines[line - 1] ?? '';
          return (
            <li key={index} data-testid="template-issue">
              <button type="button" className="link-button" onClick={() => onJump(issue)}>
                {t('templates.issueAt', { line, column })}
              </button>{' '}
              {issue.message}
              <pre className="issue-snippet" aria-hidden="true">
                {`${line} │ ${text}\n${' '.repeat(String(line).length)} │ ${' '.repeat(Math.max(0, column - 1))}^`}
              </pre>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
