export { AppError, type AppErrorOptions, type ErrorMeta, isAppError } from './app-error.js';
export { CODES, type CodeSpec, type ErrorCode } from './codes/index.js';
export { renderErrorsDoc } from './render-doc.js';
