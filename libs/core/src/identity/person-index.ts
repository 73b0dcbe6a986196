const INITIAL_CAPACITY = 64;

/**
 * Person ids interned once to small integers (handles), shared by the identity directory and the presence
 * table: an account resolves to the handle that indexes the person's readings with one lookup. A handle
 * stays while either side keeps it (the directory: any linked platform; the table: any reading or announced
 * aggregate), then it is freed for reuse.
 */
export class PersonIndex {
  private readonly ids = new Map<string, number>();
  private readonly free: number[] = [];
  private readonly growth: ((capacity: number) => void)[] = [];
  private next = 0;
  /** Person id by handle; undefined for a free handle. */
  readonly userIdOf: (string | undefined)[] = [];
  /** Bit p set when the person has an account linked on platform p (the directory's). */
  linked = new Uint8Array(INITIAL_CAPACITY);
  /** 1 while the presence table keeps the person (the table's). */
  tabled = new Uint8Array(INITIAL_CAPACITY);

  /** How many handles the per-person columns must hold. */
  get capacity(): number {
    return this.linked.length;
  }

  /** One past the highest handle ever given: iterate handles below it. */
  get end(): number {
    return this.next;
  }

  /** The person's handle, or -1; never creates one. */
  handleOf(userId: string): number {
    const handle = this.ids.get(userId);
    return handle === undefined ? -1 : handle;
  }

  /** The person's handle, interning the id on first sight. */
  intern(userId: string): number {
    const known = this.ids.get(userId);
    if (known !== undefined) return known;
    const handle = this.free.length > 0 ? (this.free.pop() as number) : this.next++;
    if (handle >= this.linked.length) this.grow(handle + 1);
    this.ids.set(userId, handle);
    this.userIdOf[handle] = userId;
    return handle;
  }

  /** Frees the handle once neither the directory nor the table keeps it. */
  releaseIfUnused(handle: number): void {
    const userId = this.userIdOf[handle];
    if (userId === undefined || this.linked[handle] !== 0 || this.tabled[handle] !== 0) return;
    this.ids.delete(userId);
    this.userIdOf[handle] = undefined;
    this.free.push(handle);
  }

  /**
   * Makes room for `people` handles in one step (a restore that knows how many people it loads), instead of
   * doubling up to them: no copies on the way, and no room for a third as many again at the end.
   */
  reserve(people: number): void {
    if (people > this.linked.length) this.resize(people);
  }

  /** Called with the new capacity whenever it grows, so per-person columns elsewhere grow with it. */
  onGrow(listener: (capacity: number) => void): void {
    this.growth.push(listener);
  }

  private grow(people: number): void {
    let capacity = this.linked.length;
    while (capacity < people) capacity *= 2;
    this.resize(capacity);
  }

  private resize(capacity: number): void {
    this.linked = resized(this.linked, capacity);
    this.tabled = resized(this.tabled, capacity);
    for (const listener of this.growth) listener(capacity);
  }
}

/** A typed array copied into a longer one of the same kind. */
export function resized<T extends Uint8Array | Float64Array>(array: T, length: number): T {
  const out = new (array.constructor as new (length: number) => T)(length);
  out.set(array);
  return out;
}
