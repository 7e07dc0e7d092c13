import { type DatabaseNotifications } from '@schoolyard/database';
import { type StreamedNotification, StreamHub, type StreamSubscriber } from './stream-hub';

/** The hub with a stand-in for the LISTEN connection: `announce` is what PostgreSQL would send. */
function hubWithChannel() {
  let handler: (payload: string) => void = () => undefined;
  let lost: () => void = () => undefined;
  const notifications = {
    subscribe: (channel: string, onPayload: typeof handler, onLost: typeof lost) => {
      expect(channel).toBe('schoolyard_notifications');
      handler = onPayload;
      lost = onLost;
    },
  } as unknown as DatabaseNotifications;
  const hub = new StreamHub(notifications);
  return {
    hub,
    announce: (payload: object | string) =>
      handler(typeof payload === 'string' ? payload : JSON.stringify(payload)),
    lose: () => lost(),
  };
}

function subscriber(schemaName: string, profileIds: string[]) {
  const received: StreamedNotification[] = [];
  let resyncs = 0;
  let ended = false;
  const me: StreamSubscriber = {
    schemaName,
    profileIds,
    deliver: (notification) => received.push(notification),
    resync: () => (resyncs += 1),
    end: () => (ended = true),
  };
  return { me, received, resyncs: () => resyncs, ended: () => ended };
}

const row = (schema: string, profileId: string, id = 'n1') => ({
  schema,
  profileId,
  id,
  category: 'results',
  title: 'Results published',
  createdAt: '2026-11-30T10:00:00+00:00',
});

describe('StreamHub', () => {
  it('routes a notification to the streams of that school and person only, without the schema', () => {
    const { hub, announce } = hubWithChannel();
    const gwen = subscriber('school_a', ['gwen', 'gwen-staff']);
    const ana = subscriber('school_a', ['ana']);
    const elsewhere = subscriber('school_b', ['gwen']);
    for (const one of [gwen, ana, elsewhere]) hub.add(one.me);

    announce(row('school_a', 'gwen-staff'));
    announce(row('school_c', 'ana'));
    announce('not json');

    expect(gwen.received).toEqual([
      {
        id: 'n1',
        profileId: 'gwen-staff',
        category: 'results',
        title: 'Results published',
        createdAt: '2026-11-30T10:00:00+00:00',
      },
    ]);
    expect(ana.received).toEqual([]);
    expect(elsewhere.received).toEqual([]);
  });

  it('stops routing to a removed stream and forgets empty people', () => {
    const { hub, announce } = hubWithChannel();
    const ana = subscriber('school_a', ['ana']);
    const remove = hub.add(ana.me);
    expect(hub.openStreams).toBe(1);
    remove();
    announce(row('school_a', 'ana'));
    expect(ana.received).toEqual([]);
    expect(hub.openStreams).toBe(0);
  });

  it('holds at most `limit` places per account, each given back once', () => {
    const { hub } = hubWithChannel();
    const places = [hub.reserve('u1', 2), hub.reserve('u1', 2)];
    expect(places.every(Boolean)).toBe(true);
    expect(hub.reserve('u1', 2)).toBeUndefined();
    expect(hub.reserve('u2', 2)).toBeDefined();
    places[0]!();
    places[0]!();
    expect(hub.reserve('u1', 2)).toBeDefined();
    expect(hub.reserve('u1', 2)).toBeUndefined();
  });

  it('asks every stream to re-read the inbox when notifications may have been missed, and ends them on shutdown', () => {
    const { hub, lose } = hubWithChannel();
    const one = subscriber('school_a', ['ana']);
    const two = subscriber('school_b', ['ben']);
    hub.add(one.me);
    hub.add(two.me);
    lose();
    expect([one.resyncs(), two.resyncs()]).toEqual([1, 1]);
    hub.onModuleDestroy();
    expect([one.ended(), two.ended()]).toEqual([true, true]);
  });
});
