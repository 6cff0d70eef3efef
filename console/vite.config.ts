// The console is served under a configurable path (GATEHOUSE_CONSOLE_PATH), so it is built with
// relative URLs; the server adds <base href> to index.html. Output: console/dist (never committed).
import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

export default defineConfig({
  base: "./",
  plugins: [react()],
  // @gatehouse/client (a workspace package) is bundled from its TypeScript sources, not its dist/.
  resolve: { conditions: ["@gatehouse/source", ...defaultClientConditions] },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    // One app chunk and one for the libraries, which change less often than the app.
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      output: {
        manualChunks: (id) => (id.includes("node_modules") ? "vendor" : undefined),
      },
    },
  },
});
