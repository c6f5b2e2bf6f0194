export * from './api-key.js';
export * from './create-key-input.js';
