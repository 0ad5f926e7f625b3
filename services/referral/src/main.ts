import { referral } from './app.module';

void referral.run();
