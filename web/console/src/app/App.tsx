import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { ApiError } from '../api/errors';
import { I18nProvider } from '../i18n/I18nProvider';
import { ME_KEY } from '../features/session/session';
import { ToastProvider } from '../ui/Toast';
import { prefetchForAddress } from './prefetch';
import { router } from './router';

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    // A session that ended elsewhere (sign-out, password change) sends the user to sign in.
    onError: (error, query) => {
      if (error instanceof ApiError && error.status === 401 && query.queryKey[0] !== ME_KEY[0]) {
        queryClient.setQueryData(ME_KEY, null);
      }
    },
  }),
  defaultOptions: {
    queries: {
      // Lists are refetched whenever a screen opens (others may have changed them); the cached copy shows meanwhile.
      staleTime: 0,
      retry: (failures, error) => !(error instanceof ApiError && error.status > 0 && error.status < 500) && failures < 2,
      refetchOnWindowFocus: false,
    },
  },
});

prefetchForAddress(queryClient, window.location.pathname, import.meta.env.BASE_URL.replace(/\/$/, ''));

export function App() {
  return (
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <ToastProvider>
          <RouterProvider router={router} />
        </ToastProvider>
      </QueryClientProvider>
    </I18nProvider>
  );
}
