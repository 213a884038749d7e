// examples/readme/cors.config.ts
import { defineConfig } from 'switchyard';
import { defaultPlugins } from 'switchyard/plugins/presets/default';

export default defineConfig({
  server: {
    cors: { origins: ['https://app.example.com', 'http://localhost:5173'], credentials: false, maxAgeSeconds: 600 },
    // or any origin: cors: { origins: '*' }
  },
  plugins: [...defaultPlugins()],
});
