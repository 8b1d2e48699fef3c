/**
 * What the desk's callers may meet besides the domain's errors (domain/errors.ts): the database is
 * unreachable, so nothing was done and the request can be retried. The store knows which driver errors mean
 * that; adapters ask here, so none of them knows the store.
 */
export { isStoreUnavailable as isDataUnavailable } from '../store/errors';
