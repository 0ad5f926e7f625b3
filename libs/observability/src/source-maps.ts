import { setSourceMapsSupport } from 'node:module';

/**
 * Stack traces point at the TypeScript sources of Relais's own code, not of its dependencies. `node
 * --enable-source-maps` reads and keeps the source map of every module loaded, node_modules included (typeorm,
 * rxjs, OpenTelemetry… ship theirs with the sources inside): about 40 MB per service at rest, measured by
 * bench:memory. Imported first by register.ts, so every module of dist/ loaded after it has its map.
 */
setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });
