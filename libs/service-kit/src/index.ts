export { defineService, type DefinedService, type ServiceDefinition, type ServiceFeatures, type ServiceModule, type ServiceProcess } from './define-service';
export { serviceConfig, type ServiceConfigDefinition } from './service-config';
export { withoutControllers, type FeatureModule } from './without-controllers';
