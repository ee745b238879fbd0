export function isBuildCurrent(sourcePath: string, root?: URL): boolean;
export function importEntry(sourcePath: string): Promise<Record<string, unknown>>;
