/** Injection tokens shared by every service. */
export const GENLAB_CONFIG = Symbol('GENLAB_CONFIG');
export const DATABASE = Symbol('DATABASE');
export const COMPUTE = Symbol('COMPUTE');
