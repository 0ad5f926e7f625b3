import { directory } from './app.module';
import { directoryCommands } from './cli/commands';

void directory.run({ commands: directoryCommands });
