/** Emulators accept any credentials; fixed ones keep local runs from searching for a real AWS profile. */
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
