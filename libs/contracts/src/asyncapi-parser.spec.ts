import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { asyncApiDocument } from './asyncapi';

/**
 * The AsyncAPI documents Relais publishes, read by the standard's own parser (`@asyncapi/parser`, which
 * validates against the AsyncAPI 3.0 JSON Schema and the spec's rules): the committed copy, and the
 * served one with the brokers in force (plain and TLS). An error fails; warnings are printed.
 */
describe('AsyncAPI documents, parsed by @asyncapi/parser', () => {
  const parser = new Parser();
  const documents: Record<string, unknown> = {
    'docs/events/asyncapi.json': JSON.parse(readFileSync(join(__dirname, '../../../docs/events/asyncapi.json'), 'utf8')) as unknown,
    'served, one local broker': asyncApiDocument({ kafka: { brokers: ['127.0.0.1:19172'], ssl: false } }),
    'served, two brokers over TLS': asyncApiDocument({ kafka: { brokers: ['kafka-1:9093', 'kafka-2:9093'], ssl: true } }),
  };

  it.each(Object.keys(documents))('%s: no error', async (name) => {
    const { document, diagnostics } = await parser.parse(JSON.stringify(documents[name]));
    const errors = diagnostics.filter((diagnostic) => Number(diagnostic.severity) === Number(DiagnosticSeverity.Error)).map((d) => `${d.code} ${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
    expect(document).toBeDefined();
    expect(document?.version()).toBe('3.0.0');
    expect(document?.channels().length).toBeGreaterThan(5);
    expect(document?.messages().length).toBeGreaterThan(5);
    const warnings = diagnostics.filter((diagnostic) => Number(diagnostic.severity) === Number(DiagnosticSeverity.Warning));
    if (warnings.length > 0) console.warn(`${name}: ${warnings.length} avertissement(s)\n${warnings.map((d) => `${d.code} ${d.path.join('.')}: ${d.message}`).join('\n')}`);
  });

  it('reports an error for a document that breaks the spec (the check can fail)', async () => {
    const { info: _info, ...withoutInfo } = asyncApiDocument();
    const { diagnostics } = await parser.parse(JSON.stringify(withoutInfo));
    expect(diagnostics.filter((diagnostic) => Number(diagnostic.severity) === Number(DiagnosticSeverity.Error)).length).toBeGreaterThan(0);
  });
});
