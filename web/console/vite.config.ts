import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The console is served by Ulak at /app; in development Vite proxies the API to a running server
// (ULAK_DEV_API, default http://127.0.0.1:18181) so the browser sees one origin, as in production.
const apiTarget = process.env.ULAK_DEV_API ?? 'http://127.0.0.1:18181';

export default defineConfig({
  base: '/app/',
  plugins: [react()],
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    // Inline module preloads would need an inline script; keep everything in files for the CSP.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/react-dom') || id.includes('node_modules/react/') || id.includes('node_modules/scheduler')) return 'react';
          if (id.includes('node_modules/react-router')) return 'router';
          if (id.includes('node_modules/@radix-ui') || id.includes('node_modules/@floating-ui')) return 'radix';
          if (id.includes('node_modules/@tanstack') || id.includes('node_modules/openapi-fetch')) return 'data';
          return undefined;
        },
      },
    },
  },
});
