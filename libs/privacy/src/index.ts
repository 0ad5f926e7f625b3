export { FieldCipher, wrappedKeyId } from './field-cipher';
export { countKeysById, rotatePersonKeys, type RotationOptions, type RotationProgress, type RotationReport, type SqlClient } from './key-rotation';
export { LEGACY_KEY_ID, MasterKeyRing, masterKeyRing, parseMasterKeyRing, withLegacyMasterKey, type MasterKey } from './master-key-ring';
export { PersonKeyStore, PersonVault, type PersonKey, type Queryable } from './person-vault';
export { describeReport, rotateDatabase } from './rotate-keys';
