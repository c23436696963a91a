export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const seconds = (fromMs: number) => (performance.now() - fromMs) / 1000;
