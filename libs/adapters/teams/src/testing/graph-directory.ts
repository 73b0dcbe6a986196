import { randomUUID } from 'node:crypto';
import type { GraphPresence } from '../teams.presence';

/** A scripted presence change: any field left out keeps its value; `statusMessage: null` clears it. */
export interface GraphPresenceChange {
  availability?: string;
  activity?: string;
  /** Status message content (HTML allowed, as the Teams client sends it); null clears it. */
  statusMessage?: string | null;
  /** Content type of the status message; Graph documents `text`, the Teams client also writes `html`. */
  statusMessageType?: 'text' | 'html';
}

type PresenceListener = (presences: GraphPresence[]) => void;

/**
 * The emulator's directory: users (Entra object ids) and their presence, each change stamped with a
 * fixed-width hex sequence number so stamps sort lexicographically, as Graph's `sequenceNumber` does.
 */
export class GraphDirectory {
  private readonly presences = new Map<string, GraphPresence>();
  private readonly listeners = new Set<PresenceListener>();
  private sequence = 0;

  private nextSequence(): string {
    this.sequence += 1;
    return this.sequence.toString(16).toUpperCase().padStart(16, '0');
  }

  /** Adds users (Available/Available) and returns their ids; `count` generates that many new GUIDs. */
  addUsers(idsOrCount: readonly string[] | number): string[] {
    const ids = typeof idsOrCount === 'number' ? Array.from({ length: idsOrCount }, () => randomUUID()) : [...idsOrCount];
    for (const id of ids) {
      if (!this.presences.has(id.toLowerCase())) {
        this.presences.set(id.toLowerCase(), { id, availability: 'Available', activity: 'Available', statusMessage: null, sequenceNumber: this.nextSequence() });
      }
    }
    return ids;
  }

  removeUser(id: string): void {
    this.presences.delete(id.toLowerCase());
  }

  has(id: string): boolean {
    return this.presences.has(id.toLowerCase());
  }

  get(id: string): GraphPresence | undefined {
    const presence = this.presences.get(id.toLowerCase());
    return presence === undefined ? undefined : structuredClone(presence);
  }

  get size(): number {
    return this.presences.size;
  }

  /** Applies changes (users are created on first mention), bumps their sequence numbers and tells listeners once. */
  apply(changes: ReadonlyArray<readonly [string, GraphPresenceChange]>): GraphPresence[] {
    const changed: GraphPresence[] = [];
    for (const [id, change] of changes) {
      if (!this.has(id)) this.addUsers([id]);
      const current = this.presences.get(id.toLowerCase()) as GraphPresence;
      const next: GraphPresence = { ...current, sequenceNumber: this.nextSequence() };
      if (change.availability !== undefined) next.availability = change.availability;
      if (change.activity !== undefined) next.activity = change.activity;
      if (change.statusMessage === null) next.statusMessage = null;
      else if (change.statusMessage !== undefined) {
        next.statusMessage = { message: { content: change.statusMessage, contentType: change.statusMessageType ?? 'text' } };
      }
      this.presences.set(id.toLowerCase(), next);
      changed.push(structuredClone(next));
    }
    if (changed.length > 0) for (const listener of this.listeners) listener(changed);
    return changed;
  }

  onChange(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
