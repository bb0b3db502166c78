import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { unwrap } from '../../api/errors';
import { urls } from '../../api/paths';
import { campaignKeys, isOver, isUnderWay, type Campaign } from './campaignsApi';

/**
 * One campaign, kept live while it is under way: its server-sent events (`progress`, the campaign
 * as JSON) replace the cached campaign as they come. The stream ends after the event of a
 * completed, cancelled or failed campaign, and after half an hour; if it ends or breaks while the
 * campaign is still under way, the campaign is read again and followed anew.
 */
/**
 * Over, with messages still counted as queued: a cancelled campaign's queued messages are marked
 * cancelled in the background for a few seconds after the stream's last event, so the campaign is
 * read again until they are (for half a minute at most).
 */
function settling(campaign: Campaign): boolean {
  if (!isOver(campaign.state) || (campaign.counts?.queued ?? 0) <= 0) return false;
  const finished = campaign.finished_at ? Date.parse(campaign.finished_at) : Date.now();
  return Date.now() - finished < 30_000;
}

export function useCampaign(workspace: string, id: string) {
  const queryClient = useQueryClient();
  const key = campaignKeys.one(workspace, id);
  const campaign = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET('/api/v1/workspaces/{workspace}/campaigns/{id}', { params: { path: { workspace, id } } })),
    refetchInterval: (query) => (query.state.data && settling(query.state.data) ? 2000 : false),
  });
  const live = campaign.data ? isUnderWay(campaign.data.state) : false;
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!live) return undefined;
    let stopped = false;
    let retry: number | undefined;
    const source = new EventSource(urls.campaignEvents(workspace, id));
    source.addEventListener('progress', (event: MessageEvent<string>) => {
      const next = JSON.parse(event.data) as Campaign;
      queryClient.setQueryData(campaignKeys.one(workspace, id), next);
      if (!isUnderWay(next.state)) source.close();
    });
    source.addEventListener('error', () => {
      source.close();
      if (stopped) return;
      retry = window.setTimeout(() => {
        void queryClient.invalidateQueries({ queryKey: campaignKeys.one(workspace, id) }).then(() => {
          if (!stopped) setGeneration((n) => n + 1);
        });
      }, 2000);
    });
    return () => {
      stopped = true;
      source.close();
      window.clearTimeout(retry);
    };
  }, [workspace, id, live, generation, queryClient]);

  return campaign;
}
