import type { FunctionDeclaration } from '../shared/platform/declarations.js';
import { api } from './api/function.js';
import { pages } from './pages/function.js';
import { history } from './history/function.js';
import { deadlineRun } from './deadlineRun/function.js';
import { mailRetry } from './mailRetry/function.js';
import { mailSweep } from './mailSweep/function.js';
import { notifier } from './notifier/function.js';
import { projector } from './projector/function.js';
import { pvIntake } from './pvIntake/function.js';
import { integrityDigest } from './integrityDigest/function.js';
import { retentionPurge } from './retentionPurge/function.js';
import { signIn } from './signIn/function.js';
import { mailFeedback } from './mailFeedback/function.js';

/**
 * Every function of the system. The CDK app and the offline runtime both read this list; a folder
 * under functions/ that is missing here fails a test.
 */
export const functionDeclarations: readonly FunctionDeclaration[] = [
  history,
  api,
  pages,
  projector,
  notifier,
  deadlineRun,
  pvIntake,
  mailRetry,
  mailSweep,
  integrityDigest,
  retentionPurge,
  signIn,
  mailFeedback,
];
