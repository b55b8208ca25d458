/**
 * The offline runtime as a library: `npm start` (scripts/start.ts) and the tests start it with
 * {@link startOfflineRuntime}.
 */
export { DEFAULT_PORTS, LOCAL_MAIL_FROM, LOCAL_STAGE, PORT_FLAGS, PV_BUCKET_LOCAL, startOfflineRuntime, UPLOAD_BUCKET_LOCAL } from './runtime.js';
export type { OfflineRuntime, OfflineRuntimeOptions, RuntimePorts } from './runtime.js';
export type { FiredSchedule } from './scheduler.js';
export { PortInUseError } from './ports.js';
export { RUNTIME_ANSWER_HEADER } from './httpApi.js';
