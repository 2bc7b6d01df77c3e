export * from './recording/index.js';
