export const CHROMIUM_BIN: string;
export const CHROMIUM_ARGS: string[];
