/** The node's software version, sent in `hello` so the fleet view shows what each node runs. */
export const NODE_VERSION = '0.1.0';
