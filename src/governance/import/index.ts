export { importTaskMaster } from './taskmaster.js';
export { importSpecKit } from './speckit.js';
export { MAX_IMPORT_BYTES } from './builder.js';
export { TASK_MASTER_STATUSES, STATUS_MAP as TASK_MASTER_STATUS_MAP } from './taskmaster-schema.js';
export type {
  ImportedItem,
  ImportedPlan,
  ImportSource,
  SpecKitImportOptions,
  TaskMasterImportOptions,
} from './types.js';
