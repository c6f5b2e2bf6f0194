/** Rampart's version, as `rampart --version` prints it and tool reports (SARIF) name it. */
export const VERSION = '0.1.0';
