// A promise with its resolve and reject in hand, for code that settles it from elsewhere (a
// writer's drain, a reconnect loop). Promise.withResolvers arrives with Node 22; momento supports 20.

export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
