import { useEffect, useState } from 'react';
import { api, type Schemas } from '../../api/client';
import { unwrap } from '../../api/errors';
import { urls } from '../../api/paths';

export type ImportJob = Schemas['ImportJob'];

export function isFinished(job: ImportJob): boolean {
  return job.status === 'done' || job.status === 'failed';
}

/**
 * Follows an import through its server-sent events (`progress`, the job as JSON), until it is done
 * or failed. If the stream breaks, polls the job once a second instead.
 */
export function useImportProgress(workspace: string, initial: ImportJob | null): ImportJob | null {
  const [job, setJob] = useState<ImportJob | null>(initial);
  const jobId = initial?.id;

  useEffect(() => {
    setJob(initial);
    if (!jobId || !initial || isFinished(initial)) return undefined;
    let stopped = false;
    let pollTimer: number | undefined;
    const source = new EventSource(urls.importEvents(workspace, jobId));

    const poll = async () => {
      if (stopped) return;
      try {
        const next = await unwrap(api.GET('/api/v1/workspaces/{workspace}/contacts/imports/{id}', { params: { path: { workspace, id: jobId } } }));
        setJob(next);
        if (isFinished(next)) return;
      } catch {
        // Keep trying: the job is still on the server.
      }
      pollTimer = window.setTimeout(() => void poll(), 1000);
    };

    source.addEventListener('progress', (event: MessageEvent<string>) => {
      const next = JSON.parse(event.data) as ImportJob;
      setJob(next);
      if (isFinished(next)) source.close();
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED || source.readyState === EventSource.CONNECTING) {
        source.close();
        void poll();
      }
    });

    return () => {
      stopped = true;
      source.close();
      window.clearTimeout(pollTimer);
    };
    // `initial` is the job as started; a new job id restarts the stream.
  }, [workspace, jobId]);

  return job;
}
