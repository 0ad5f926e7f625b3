// jsdom lacks TextEncoder/TextDecoder, which react-router reads at import: Node's own, as browsers have them.
const { TextDecoder, TextEncoder } = require('node:util');
Object.assign(globalThis, { TextDecoder, TextEncoder });
