import { jobLogFields } from './request-id';

describe('jobLogFields', () => {
  it("carries the sending request's id under the request log's key", () => {
    expect(jobLogFields({ id: 'j1', name: 'mail', data: { requestId: 'req-12345678' } })).toEqual({
      jobId: 'j1',
      queue: 'mail',
      reqId: 'req-12345678',
    });
  });

  it('leaves out an id that is missing or not shaped like one', () => {
    for (const data of [null, 'text', {}, { requestId: 42 }, { requestId: 'bad id\nforged' }]) {
      expect(jobLogFields({ id: 'j2', name: 'mail', data })).toEqual({
        jobId: 'j2',
        queue: 'mail',
      });
    }
  });
});
