import { diagnostic } from './app.module';

void diagnostic.run();
