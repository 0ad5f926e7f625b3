import { notification } from './app.module';

void notification.run();
