// The browser side of @web/test-runner-visual-regression ships without types for its commands.
export {};

declare module '@web/test-runner-visual-regression' {
  /** Screenshots `element` and compares it with the baseline `name` (web-test-runner.config.mjs). */
  export function visualDiff(element: Node, name: string): Promise<void>;
}
