import { defineErrors, type ErrorDefinition } from '../../platform/src/index.js';

/** The coded errors of the all-in-one launcher; see platform's defineErrors. */
export const STANDALONE_ERRORS = {
  IOC_DATA_DIR_UNUSABLE: { status: 500, message: (dir, why) => `The data directory ${dir} cannot be used (${why}); make it writable by the user running npm start, or point IOC_DATA_DIR at another folder.` },
  IOC_SECRETS_UNREADABLE: { status: 500, message: (file, why) => `The kept secrets in ${file} cannot be read (${why}); give the file back to the user running npm start (chown, then chmod 600). Deleting it generates new ones, and devices and open dashboard sessions must then log in again.` },
  IOC_SECRETS_INVALID: { status: 500, message: (file, why) => `The kept secrets in ${file} are not valid (${why}); restore the file from a backup, or delete it to generate new ones (devices and open dashboard sessions must then log in again).` },
  IOC_SECRETS_EXPOSED: { status: 500, message: (file, mode, why) => `The kept secrets in ${file} are readable by other users (mode ${mode}) and could not be restricted (${why}); run chmod 600 on it as its owner, then start again.` },
} as const satisfies Record<string, ErrorDefinition>;

export type StandaloneErrorCode = keyof typeof STANDALONE_ERRORS;
export const standaloneError = defineErrors(STANDALONE_ERRORS);
