/** A code of the directory's vocabularies (thématiques, roles): lower case, digits, dashes. */
export const CODE_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
