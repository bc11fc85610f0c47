import { describe, expect, it } from 'vitest';
import { hrefOf, routeOf } from './route.ts';

describe('routes', () => {
  it('reads a page, an item and a query from the hash; anything else is the overview', () => {
    expect(routeOf('#/runs/abc%2F1')).toMatchObject({ page: 'runs', id: 'abc/1' });
    const runs = routeOf('#/runs?agent_uuid=u1&state=failed');
    expect([runs.page, runs.id, runs.query.get('agent_uuid'), runs.query.get('state')]).toEqual(['runs', null, 'u1', 'failed']);
    expect(routeOf('')).toMatchObject({ page: 'overview', id: null });
    expect(routeOf('#/nope/1')).toMatchObject({ page: 'overview', id: null });
    expect(routeOf('#/constructor')).toMatchObject({ page: 'overview' });
  });

  it('writes links routeOf reads back', () => {
    expect(hrefOf('agents', 'new')).toBe('#/agents/new');
    expect(hrefOf('runs', undefined, { agent_uuid: 'u 1' })).toBe('#/runs?agent_uuid=u+1');
    expect(routeOf(hrefOf('runs', undefined, { agent_uuid: 'u 1' })).query.get('agent_uuid')).toBe('u 1');
  });
});
