/** Authentication and authorization: local users ([auth]), basic auth and JWT bearer tokens ([http] auth-enabled). */
export { AuthService } from './service.ts';
export { UserStore } from './user-store.ts';
export { AuthStats, authGate } from './hook.ts';
export { usersRoutes } from './users-routes.ts';
export { User, WRITE, databaseResource } from './privileges.ts';
