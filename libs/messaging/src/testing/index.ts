// Test support of the messaging lib, for tests and benchmarks only: never exported by the production barrel.
export { cloudEventHeaders, type CloudEventAttributes, type KafkaHeaders } from '../cloudevents';
export { cloudEventRecord, fixturePublisher, publishFixtures, type CloudEventRecord, type Fixture } from './cloud-event-records';
export { catalogDisagreements, declaredHandlers } from './handlers-and-catalog';
export { startStandInPublisher, type StandInOptions, type StandInPublisher } from './stand-in-publisher';
