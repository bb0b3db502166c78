import { postForm } from '../../api/forms';
import { urls } from '../../api/paths';
import type { paths } from '../../api/schema';
import type { Workspace } from '../workspace/workspace';
import { optionsJson, type ImportOptions } from './importOptions';

type Started = paths['/api/v1/workspaces/{workspace}/contacts/imports']['post']['responses'][202]['content']['application/json'];

/** POST …/contacts/imports as multipart: the file, the importer, the options JSON and `dry_run`. */
export function startImport(workspace: Workspace, file: File, importer: string, options: ImportOptions, dryRun: boolean): Promise<Started> {
  const form = new FormData();
  form.append('file', file, file.name);
  if (importer) form.append('importer', importer);
  form.append('options', optionsJson(options, workspace.default_region ?? 'TR'));
  form.append('dry_run', String(dryRun));
  return postForm<Started>(urls.imports(workspace.id), form);
}
