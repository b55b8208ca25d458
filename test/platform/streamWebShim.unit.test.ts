import { ReadableStream, TransformStream } from 'node:stream/web';
import { describe, expect, it } from 'vitest';
import { ReadableStream as LazyReadableStream } from '../../shared/platform/streamWebShim.js';

describe('the lazy node:stream/web ReadableStream the bundles give @middy/core', () => {
  it('recognizes the web streams Node builds, and nothing else, with instanceof', () => {
    expect(new ReadableStream() instanceof LazyReadableStream).toBe(true);
    expect(new TransformStream().readable instanceof LazyReadableStream).toBe(true);
    expect({ getReader: () => undefined } instanceof LazyReadableStream).toBe(false);
    expect((Object('body') as object) instanceof LazyReadableStream).toBe(false);
  });

  it('constructs real streams and exposes the static members', async () => {
    const stream = new LazyReadableStream<string>({
      start(controller) {
        controller.enqueue('PV signé');
        controller.close();
      },
    });
    expect(stream).toBeInstanceOf(ReadableStream);
    const chunks: string[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toEqual(['PV signé']);
    expect(LazyReadableStream.from(['a']) instanceof ReadableStream).toBe(true);
  });
});
