import { ERROR_ANSWER_BURST, ERROR_ANSWERS_PER_SECOND, FRAME_BURST, FRAMES_PER_SECOND } from './stream-protocol';

/**
 * One connection's budgets, as two token buckets on the service clock: frames it may send (a frame that finds
 * the bucket empty marks the client abusive: the gateway closes it with 4002) and `error` answers it may get
 * (past that, bad frames are counted and not answered, so a flood of bad frames costs no writes).
 * Two numbers per bucket and no allocation per frame: this runs for every frame the server reads.
 */
export class FrameGuard {
  private frames = FRAME_BURST;
  private errors = ERROR_ANSWER_BURST;
  private framesAt: number;
  private errorsAt: number;
  /** Bad frames that got no answer because the error budget was spent. */
  unanswered = 0;

  constructor(now: number) {
    this.framesAt = now;
    this.errorsAt = now;
  }

  /** Takes one frame from the budget; false when it was empty (the client sends faster than allowed). */
  admitFrame(now: number): boolean {
    this.frames = Math.min(FRAME_BURST, this.frames + ((now - this.framesAt) * FRAMES_PER_SECOND) / 1000);
    this.framesAt = now;
    if (this.frames < 1) return false;
    this.frames -= 1;
    return true;
  }

  /** Takes one error answer from the budget; false (and counted) when this bad frame goes unanswered. */
  mayAnswerError(now: number): boolean {
    this.errors = Math.min(ERROR_ANSWER_BURST, this.errors + ((now - this.errorsAt) * ERROR_ANSWERS_PER_SECOND) / 1000);
    this.errorsAt = now;
    if (this.errors < 1) {
      this.unanswered++;
      return false;
    }
    this.errors -= 1;
    return true;
  }
}
