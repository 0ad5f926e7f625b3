import { describeOpenApiDocument } from '@relais/testing';
import { startDirectory } from './support';

describeOpenApiDocument('directory', () => startDirectory());
