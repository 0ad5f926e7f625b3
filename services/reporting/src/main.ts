import { reporting } from './app.module';

void reporting.run();
