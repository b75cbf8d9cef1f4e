// Written by `npm run learn-defaults` from what conductor-oss 3.32.3 answered; do not edit by hand.
// The conformance suite checks it against the real server.
import type { ServerDefaults } from './learn-defaults.ts';

/** What conductor-oss 3.32.3 adds to stored definitions: a field at this value equals its absence. */
export const LEARNED_DEFAULTS: ServerDefaults = {
  "server": "conductor-oss 3.32.3",
  "bookkeeping": [
    "createTime",
    "updateTime",
    "updatedBy"
  ],
  "taskDef": {
    "backoffJitterMs": 0,
    "backoffScaleFactor": 1,
    "createdBy": "",
    "enforceSchema": false,
    "inputKeys": [],
    "inputTemplate": {},
    "maxRetryDelaySeconds": 0,
    "outputKeys": [],
    "rateLimitFrequencyInSeconds": 1,
    "rateLimitPerFrequency": 0,
    "responseTimeoutSeconds": 3600,
    "retryCount": 3,
    "retryDelaySeconds": 60,
    "retryLogic": "FIXED",
    "runtimeMetadata": [],
    "taskStatusListenerEnabled": true,
    "timeoutPolicy": "TIME_OUT_WF",
    "timeoutSeconds": 0,
    "totalTimeoutSeconds": 0
  },
  "workflowDef": {
    "enforceSchema": true,
    "inputParameters": [],
    "inputTemplate": {},
    "maskedFields": [],
    "metadata": {},
    "outputParameters": {},
    "restartable": true,
    "schemaVersion": 2,
    "timeoutPolicy": "ALERT_ONLY",
    "timeoutSeconds": 0,
    "variables": {},
    "version": 1,
    "workflowStatusListenerEnabled": false
  },
  "workflowTask": {
    "asyncComplete": false,
    "decisionCases": {},
    "defaultCase": [],
    "defaultExclusiveJoinTask": [],
    "forkTasks": [],
    "inputParameters": {},
    "joinOn": [],
    "loopOver": [],
    "metadata": {},
    "onStateChange": {},
    "optional": false,
    "permissive": false,
    "startDelay": 0,
    "type": "SIMPLE"
  },
  "embeddedTaskDef": {
    "backoffJitterMs": 0,
    "backoffScaleFactor": 1,
    "createTime": 0,
    "enforceSchema": false,
    "inputKeys": [],
    "inputTemplate": {},
    "maxRetryDelaySeconds": 0,
    "outputKeys": [],
    "rateLimitFrequencyInSeconds": 1,
    "rateLimitPerFrequency": 0,
    "responseTimeoutSeconds": 3600,
    "retryCount": 3,
    "retryDelaySeconds": 60,
    "retryLogic": "FIXED",
    "runtimeMetadata": [],
    "taskStatusListenerEnabled": true,
    "timeoutPolicy": "TIME_OUT_WF",
    "timeoutSeconds": 0,
    "totalTimeoutSeconds": 0,
    "updateTime": 0
  },
  "schemaDef": {
    "createTime": 0,
    "updateTime": 0,
    "version": 1
  }
};
