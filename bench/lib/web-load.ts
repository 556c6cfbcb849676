/** The web API's load (issue #13), one shape for the real route and its floor (web-api.ts, web-api-floor.ts). */
export const USERS = Number(process.env.BENCH_WEB_USERS ?? 1000);
/** (a): each of USERS connections sends one request a second for this long. */
export const OPEN_SECONDS = 30;
/** (b): the most requests a second over MAX_CONNECTIONS connections, for this long. */
export const MAX_SECONDS = 15;
export const MAX_CONNECTIONS = 64;
