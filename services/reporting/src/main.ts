import { reporting } from './app.module';
import { rebuildCommand } from './rebuild/rebuild.command';

void reporting.run({ commands: { rebuild: rebuildCommand } });
