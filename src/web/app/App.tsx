import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { UpdatePrompt } from '../components/UpdatePrompt';
import { SessionProvider } from '../features/auth/session';
import { SyncProvider } from '../features/sync/SyncProvider';
import { ApiError, NetworkError } from '../lib/api';
import { router } from './router';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Offline is normal here: do not hammer a server that cannot be reached, and never
      // retry a 4xx (it will not get better).
      retry: (count, err) =>
        !(err instanceof ApiError && err.status < 500) &&
        !(err instanceof NetworkError) &&
        count < 2,
      refetchOnWindowFocus: true,
      networkMode: 'always',
    },
    mutations: { networkMode: 'always', retry: false },
  },
});

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <SyncProvider>
          <UpdatePrompt />
          <RouterProvider router={router} />
        </SyncProvider>
      </SessionProvider>
    </QueryClientProvider>
  );
}
