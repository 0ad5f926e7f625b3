import { LOCAL_KAFKA_BROKER } from '@relais/contracts';
import { localPorts } from './local-config';

describe('the committed AsyncAPI document', () => {
  it('defaults its {broker} variable to the broker npm start runs with the default gateway port', () => {
    // The document once said 19092 while the broker listened on 19172: the constant follows infra's port.
    expect(LOCAL_KAFKA_BROKER).toBe(`127.0.0.1:${localPorts(8080).kafka}`);
  });
});
