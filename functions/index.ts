import type { FunctionDeclaration } from '../shared/platform/declarations.js';

/**
 * Every function of the system. The CDK app and the offline runtime both read this list; a folder
 * under functions/ that is missing here fails a test.
 */
export const functionDeclarations: readonly FunctionDeclaration[] = [];
