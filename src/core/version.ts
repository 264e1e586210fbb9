// The runtime's version, recorded in every episode file.
export const VERSION = '0.1.0';
