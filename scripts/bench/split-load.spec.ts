import { splitConnections, sumLoads } from './split-load';

describe('load split over instances', () => {
  it('shares the connections out evenly, the remainder to the first targets', () => {
    expect(splitConnections(32, 2)).toEqual([16, 16]);
    expect(splitConnections(33, 2)).toEqual([17, 16]);
    expect(splitConnections(32, 1)).toEqual([32]);
    expect(splitConnections(5, 3)).toEqual([2, 2, 1]);
  });

  it('refuses a split that would leave a target without a connection', () => {
    expect(() => splitConnections(1, 2)).toThrow('1 connections cannot be shared out over 2');
    expect(() => splitConnections(4, 0)).toThrow('parts must be a positive whole number');
  });

  it('adds the runs up: requests per second and requests summed, the slowest p99 quoted', () => {
    expect(
      sumLoads([
        { requestsPerSecond: 700.5, p99Ms: 40, requests: 2100 },
        { requestsPerSecond: 650, p99Ms: 55, requests: 1950 },
      ]),
    ).toEqual({ requestsPerSecond: 1350.5, p99Ms: 55, requests: 4050 });
  });

  it('leaves the request count out when a run did not give one, and refuses nothing to add', () => {
    expect(
      sumLoads([
        { requestsPerSecond: 10, p99Ms: 3, requests: 30 },
        { requestsPerSecond: 5, p99Ms: 2 },
      ]),
    ).toEqual({ requestsPerSecond: 15, p99Ms: 3 });
    expect(() => sumLoads([])).toThrow('no runs to add up');
  });
});
