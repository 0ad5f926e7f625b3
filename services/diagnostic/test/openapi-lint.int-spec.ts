import { describeOpenApiDocument } from '@relais/testing';
import { startDiagnostic } from './support/diagnostic-kit';

describeOpenApiDocument('diagnostic', () => startDiagnostic());
