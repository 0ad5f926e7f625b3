import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'relais:public';

/** Routes are authenticated unless marked public: forgetting a decorator fails closed. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
