import { Hono } from 'hono';
import type { AppEnv } from './env.ts';
import { notFound, onError } from './errors.ts';
import { requestContext } from './middleware/request-context.ts';
import { healthRoutes } from './routes/health.ts';

/** The Worker's HTTP surface: one route group a module, errors in one shape. */
export function createApp() {
  const app = new Hono<AppEnv>();
  app.use(requestContext);
  app.route('/', healthRoutes());
  app.notFound(notFound);
  app.onError(onError);
  return app;
}
