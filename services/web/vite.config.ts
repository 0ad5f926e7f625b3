// The web workspace's build: one origin with the APIs (the gateway serves the output), no CDN, every
// font, icon and map file bundled. The map (MapLibre, ~250 kB gzip) is split off the first page.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `vite` in services/web during development: the APIs and the identity provider through a running `npm start`.
    proxy: { '/api': 'http://127.0.0.1:8080', '/auth': 'http://127.0.0.1:8080', '/web-config.json': 'http://127.0.0.1:8080' },
  },
});
