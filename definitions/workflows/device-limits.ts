/** Device limits the deploy workflows share. */

/** Free heap a device must keep after a deploy: 50 KB (the LowDeviceHeap alert fires below it). */
export const MIN_FREE_HEAP_BYTES = 50 * 1024;
