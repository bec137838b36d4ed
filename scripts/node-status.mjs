// A node's conditions as its kubelet reports them, written on a Node object no kubelet serves (a KWOK
// fake node, or one made for a fixture): shared by the fixture capture
// (capture-surroundings-fixtures.mjs) and the live node test (test/live/node-storage.test.ts).

/** A node condition stamped now (its heartbeat and its transition), as a kubelet writes one. */
export function nodeCondition(type, status, reason, message) {
  const t = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return { type, status, reason, message, lastHeartbeatTime: t, lastTransitionTime: t };
}

// What a kubelet short of memory, disk or PIDs writes (pkg/kubelet/nodestatus/setters.go).
const PRESSURE = {
  MemoryPressure: ['KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'],
  DiskPressure: ['KubeletHasDiskPressure', 'kubelet has disk pressure'],
  PIDPressure: ['KubeletHasInsufficientPID', 'kubelet has insufficient PID available'],
};

/** A pressure condition True, in the kubelet's words: type MemoryPressure, DiskPressure or PIDPressure. */
export function pressureCondition(type) {
  const [reason, message] = PRESSURE[type];
  return nodeCondition(type, 'True', reason, message);
}

/** kubectl's arguments that set these conditions on the node's status (merged by type, as the kubelet's). */
export function nodeConditionsPatch(node, conditions) {
  return [
    'patch',
    'node',
    node,
    '--subresource=status',
    '--type=strategic',
    '-p',
    JSON.stringify({ status: { conditions } }),
  ];
}
