import { type ArgumentMetadata } from '@nestjs/common';
import { AppError } from './app-error';
import { PageQuery } from './paging';
import { createValidationPipe } from './validation';

const query: ArgumentMetadata = { type: 'query', metatype: PageQuery, data: undefined };
const body: ArgumentMetadata = { type: 'body', metatype: PageQuery, data: undefined };

async function refusal(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error,
  );
}

/** A query as Fastify's parser (fast-querystring) makes it: its prototype has no prototype. */
function parsedQuery(fields: Record<string, string>): Record<string, string> {
  return Object.assign(Object.create(Object.create(null) as object) as object, fields);
}

describe('the validation pipe remembers validated query strings', () => {
  it('remembers a query string as Fastify parses it, and only then skips validation', async () => {
    const pipe = createValidationPipe();
    const remembered = (await pipe.transform(parsedQuery({ pageSize: '20' }), query)) as PageQuery;
    expect(remembered).toEqual(Object.assign(new PageQuery(), { page: 1, pageSize: 20 }));
    const memory = (pipe as unknown as { remembered: WeakMap<object, Map<string, unknown>> })
      .remembered;
    expect(memory.get(PageQuery)?.size).toBe(1);
    const again = (await pipe.transform(parsedQuery({ pageSize: '20' }), query)) as PageQuery;
    expect(again).toEqual(remembered);
    expect(again).not.toBe(remembered);
    expect(memory.get(PageQuery)?.size).toBe(1);
  });

  it('answers a repeated query string with an equal instance of the class, never the same object', async () => {
    const pipe = createValidationPipe();
    const first = (await pipe.transform({ pageSize: '20', search: 'ann' }, query)) as PageQuery;
    const second = (await pipe.transform({ pageSize: '20', search: 'ann' }, query)) as PageQuery;
    expect(first).toBeInstanceOf(PageQuery);
    expect(second).toBeInstanceOf(PageQuery);
    expect(second).toEqual(first);
    expect(second).toEqual(
      Object.assign(new PageQuery(), { page: 1, pageSize: 20, search: 'ann' }),
    );
    // A handler that changes its copy changes nobody else's.
    second.pageSize = 99;
    const third = (await pipe.transform({ pageSize: '20', search: 'ann' }, query)) as PageQuery;
    expect(third.pageSize).toBe(20);
  });

  it('refuses bad input every time, after good input of the same class was remembered', async () => {
    const pipe = createValidationPipe();
    await pipe.transform({ pageSize: '20' }, query);
    for (let i = 0; i < 2; i++) {
      const refused = await refusal(pipe.transform({ pageSize: '500' }, query));
      expect(refused).toBeInstanceOf(AppError);
    }
    const unknown = await refusal(pipe.transform({ pageSize: '20', admin: 'true' }, query));
    expect(unknown).toBeInstanceOf(AppError);
  });

  it('validates bodies afresh and hands them back as they were transformed', async () => {
    const pipe = createValidationPipe();
    const a = (await pipe.transform({ pageSize: 20 }, body)) as PageQuery;
    const b = (await pipe.transform({ pageSize: 20 }, body)) as PageQuery;
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    expect(await refusal(pipe.transform({ pageSize: 0 }, body))).toBeInstanceOf(AppError);
  });
});
