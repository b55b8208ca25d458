/**
 * The offline runtime as a library: `npm start` (scripts/start.ts) and the tests start it with
 * {@link startOfflineRuntime}.
 */
export { DEFAULT_PORTS, LOCAL_MAIL_FROM, LOCAL_STAGE, PV_BUCKET_LOCAL, startOfflineRuntime } from './runtime.js';
export type { OfflineRuntime, OfflineRuntimeOptions, RuntimePorts } from './runtime.js';
export { PortInUseError } from './ports.js';
export { RUNTIME_ANSWER_HEADER } from './httpApi.js';
