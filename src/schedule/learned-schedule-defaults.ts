// Written by `npm run learn-defaults` from what conductor-oss 3.32.3 answered; do not edit by hand.
// The conformance suite checks it against the real server.
import type { ScheduleDefaults } from './learn-schedule-defaults.ts';

/** What conductor-oss 3.32.3 adds to stored schedules: a field at this value equals its absence. */
export const LEARNED_SCHEDULE_DEFAULTS: ScheduleDefaults = {
  "server": "conductor-oss 3.32.3",
  "bookkeeping": [
    "createTime",
    "updatedTime"
  ],
  "schedule": {
    "createdBy": "",
    "cronSchedules": [],
    "paused": false,
    "runCatchupScheduleInstances": false,
    "updatedBy": "",
    "zoneId": "UTC"
  },
  "startWorkflowRequest": {
    "input": {},
    "priority": 0,
    "taskToDomain": {}
  }
};
