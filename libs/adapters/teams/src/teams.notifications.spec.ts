import { X509Certificate } from 'node:crypto';
import { handleGraphNotification } from './teams.notifications';
import { encryptForCertificate } from './testing/graph-crypto';
import { GRAPH_TEST_CERTIFICATE_ID, GRAPH_TEST_CERTIFICATE_PEM, GRAPH_TEST_PRIVATE_KEY_PEM } from './testing/graph-test-certificate';

const clock = { now: () => Date.parse('2026-03-02T09:00:00Z') };
const clientStates = { 'sub-1': 'state-one', 'sub-2': 'state-two' };
const certificate = new X509Certificate(GRAPH_TEST_CERTIFICATE_PEM);
const decryptionKeys = [{ certificateId: GRAPH_TEST_CERTIFICATE_ID, privateKey: GRAPH_TEST_PRIVATE_KEY_PEM }];
const userId = 'fa8bf3dc-eca7-46b7-bad1-db199b62afc3';

function basic(subscriptionId: string, clientState: string | undefined, id = userId): Record<string, unknown> {
  return {
    subscriptionId,
    clientState,
    changeType: 'updated',
    tenantId: 't',
    resource: `communications/presences/${id}`,
    subscriptionExpirationDateTime: '2026-03-02T10:00:00Z',
    resourceData: { '@odata.id': `users/${id}/presence`, '@odata.type': '#microsoft.graph.presence', id },
  };
}

function rich(presence: Record<string, unknown>, subscriptionId = 'sub-1', clientState = 'state-one'): Record<string, unknown> {
  return { ...basic(subscriptionId, clientState), encryptedContent: encryptForCertificate(presence, certificate, GRAPH_TEST_CERTIFICATE_ID) };
}

const post = (value: unknown[]) => ({ method: 'POST', query: {}, headers: { 'content-type': 'application/json' }, rawBody: JSON.stringify({ value }) });

describe('handleGraphNotification', () => {
  it('answers the validation handshake with the decoded token as text/plain', () => {
    const token = 'Validation: Testing client application reachability for subscription Request-Id: 6a0f';
    const result = handleGraphNotification({ method: 'POST', query: { validationToken: token }, rawBody: '' }, { clientStates: {} });
    expect(result).toMatchObject({ kind: 'validation', status: 200, body: token, contentType: expect.stringContaining('text/plain'), records: [] });
  });

  it('accepts basic notifications with the right clientState: 202 and the changed ids to re-read', () => {
    const result = handleGraphNotification(post([basic('sub-1', 'state-one'), basic('sub-2', 'state-two')]), { clientStates, clock });
    expect(result).toMatchObject({ kind: 'notifications', status: 202, changedIds: [userId], subscriptionIds: ['sub-1', 'sub-2'], records: [] });
  });

  it('rejects a batch in which any notification carries a wrong or missing clientState, and yields nothing', () => {
    for (const bad of [basic('sub-1', 'state-two'), basic('sub-1', undefined), basic('sub-9', 'state-one')]) {
      const result = handleGraphNotification(post([rich({ id: userId, availability: 'Busy', activity: 'InACall' }), bad]), { clientStates, decryptionKeys, clock });
      expect(result).toMatchObject({ kind: 'rejected', status: 403, records: [], lifecycle: [], changedIds: [] });
    }
  });

  it('decrypts rich notifications into records that keep the sequence number', () => {
    const presence = { '@odata.type': '#microsoft.graph.presence', id: userId, availability: 'Busy', activity: 'InAMeeting', sequenceNumber: '00000000000000A1' };
    const lookup = new Map(Object.entries(clientStates));
    const result = handleGraphNotification(post([rich(presence)]), { clientStates: lookup, decryptionKeys, clock });
    expect(result.status).toBe(202);
    expect(result.records).toEqual([expect.objectContaining({ accountId: userId, status: 'busy', activity: 'In a meeting', sequence: '00000000000000A1', observedAt: new Date(clock.now()) })]);
    expect(result.changedIds).toEqual([]);
  });

  it('refuses rich content whose signature does not match (400), and treats content for an unknown key as basic', () => {
    const tampered = rich({ id: userId, availability: 'Available' });
    (tampered['encryptedContent'] as Record<string, string>)['dataSignature'] = Buffer.alloc(32).toString('base64');
    expect(handleGraphNotification(post([tampered]), { clientStates, decryptionKeys, clock })).toMatchObject({ status: 400, records: [] });
    const unknownKey = handleGraphNotification(post([rich({ id: userId, availability: 'Available' })]), { clientStates, decryptionKeys: [{ certificateId: 'other', privateKey: GRAPH_TEST_PRIVATE_KEY_PEM }], clock });
    expect(unknownKey).toMatchObject({ status: 202, records: [], changedIds: [userId] });
  });

  it('passes lifecycle events on', () => {
    const event = { subscriptionId: 'sub-2', clientState: 'state-two', lifecycleEvent: 'reauthorizationRequired', subscriptionExpirationDateTime: '2026-03-02T10:00:00Z', resource: '/communications/presences' };
    const result = handleGraphNotification(post([event]), { clientStates: (id) => (id === 'sub-2' ? 'state-two' : undefined), clock });
    expect(result).toMatchObject({ status: 202, lifecycle: [{ subscriptionId: 'sub-2', lifecycleEvent: 'reauthorizationRequired' }] });
  });

  it.each([
    [{ method: 'GET', query: {} }, 405],
    [{ method: 'POST', query: { validationToken: '' } }, 400],
    [{ method: 'POST', rawBody: 'not json' }, 400],
    [{ method: 'POST', rawBody: '{"value":{}}' }, 400],
    [{ method: 'POST', rawBody: '{"value":[{"clientState":"x"}]}' }, 400],
    [{ method: 'POST', rawBody: Buffer.alloc(2048, 32) }, 413],
  ])('refuses malformed requests %#', (request, status) => {
    expect(handleGraphNotification(request, { clientStates, maxBodyBytes: 1024 }).status).toBe(status);
  });
});
