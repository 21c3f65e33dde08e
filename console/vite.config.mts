import { defineConfig } from 'vite';

// The console is served by the API under /console; everything it loads comes from there.
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0 },
});
