// The types of routes.mjs, for the TypeScript that imports it (examples/server.ts).
import type { CardHandler, CardUser, HandlerRequest } from 'weapp-card-coupon/server'

/** path → handler: `/send-coupon` and `/pay-coupons`, configured from the environment. */
export declare function createPayRoutes(
  getUser: (request: HandlerRequest) => CardUser | undefined,
): Map<string, CardHandler>
