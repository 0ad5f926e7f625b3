/** `npm run docs:events`: writes the committed copies of the event catalog (AsyncAPI and the page for people). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiDocument } from './asyncapi';
import { catalogPage } from './catalog-page';

// Run from the repository's root (infra/bin/relais runs there): the build lives in .relais/build/<id>/, whose
// depth says nothing of where the sources are.
const folder = join(process.cwd(), 'docs/events');
writeFileSync(join(folder, 'asyncapi.json'), `${JSON.stringify(asyncApiDocument(), null, 2)}\n`);
writeFileSync(join(folder, 'catalog.md'), catalogPage());
process.stdout.write(`wrote ${folder}/asyncapi.json and catalog.md\n`);
