/** The line the pooler's process (main.ts) writes once it listens, and how its starter reads it. */
export const readyLine = (port: number) => `pooler listening on port ${port}`;

/** The port a ready line names, or undefined for any other line. */
export function readyPort(line: string): number | undefined {
  const match = /^pooler listening on port (\d+)$/.exec(line);
  return match ? Number(match[1]) : undefined;
}
