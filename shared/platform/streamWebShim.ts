import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/**
 * What the Lambda bundles get for `node:stream/web` (infra/bundling.ts, esbuild `alias`): its
 * `ReadableStream`, loaded on first use. @middy/core imports it at module scope only to test a
 * streamed response (`instanceof ReadableStream`, with `streamifyResponse`, which no function
 * uses), and importing the module loads Node's whole web streams implementation: about 2 ms of
 * every cold start (issue 16). A bundle that imports any other name from `node:stream/web` fails
 * to build ("No matching export"), so the shim cannot hide a missing export.
 */
const real = (): typeof WebReadableStream => process.getBuiltinModule('node:stream/web').ReadableStream;

export const ReadableStream: typeof WebReadableStream = new Proxy(function ReadableStream() {} as unknown as typeof WebReadableStream, {
  construct: (_target, args, newTarget) => Reflect.construct(real(), args, newTarget === ReadableStream ? real() : newTarget),
  apply: (_target, thisArg, args) => Reflect.apply(real(), thisArg, args),
  get: (_target, key) => (key === 'prototype' ? real().prototype : Reflect.get(real(), key)),
  has: (_target, key) => Reflect.has(real(), key),
});
