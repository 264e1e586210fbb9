// Errors a caller branches on. Everything else is a TypeError/RangeError naming the bad value.

/** A policy bundle failed to load or validate; the message names bundle, file, field or tensor. */
export class BundleError extends Error {
  override readonly name = 'BundleError';
  constructor(
    readonly bundle: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${message} [bundle=${bundle}]`, options);
  }
}
