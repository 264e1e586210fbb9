// Names that a momento recording uses: topics, metadata records, the dataset format. Shared by
// the recorder and the readers so that the two cannot drift apart.

export const TOPIC_OBSERVATION = '/observation';
export const TOPIC_STEP = '/policy/step';
export const TOPIC_ACTION = '/action';
export const CAMERA_TOPIC_PREFIX = '/camera/';

/** MCAP Metadata record written at start: bundle, hash, task, seed, device, version, start time. */
export const META_EPISODE = 'episode';
/** MCAP Metadata record written at end: success, steps, reward, dropped frames. */
export const META_OUTCOME = 'outcome';
