import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ScheduledEvent } from 'aws-lambda';
import { clockOffsetMs, setClockTo, systemClock } from '../../shared/platform/clock.js';
import { localDay, occurrencesBetween, parseCron, type CronSchedule } from './cron.js';
import { appendJsonLine, readJson, writeJsonAtomic } from './files.js';
import type { LoadedFunction } from './lambda.js';

/**
 * The EventBridge Scheduler stand-in: every `schedule` trigger fires at its cron in its time zone
 * (Europe/Paris), against the system clock, which a person can move forward. When time jumps
 * (the clock moved, or the runtime was stopped), each schedule fires at most once per local day of
 * the interval, in order, with the clock set to that occurrence while it runs, so a daily run
 * "sees" its own day. The last instant checked is kept in `<stateDir>/scheduler.json`, so a restart
 * neither fires twice nor forgets.
 */
export interface FiredSchedule {
  readonly functionName: string;
  readonly at: string;
}

interface Job {
  readonly fn: LoadedFunction;
  readonly cron: CronSchedule;
  readonly timeZone: string;
}

interface SchedulerState {
  readonly checkedUntil: string;
}

export interface SchedulerOptions {
  readonly functions: readonly LoadedFunction[];
  readonly stateDir: string;
  readonly tickMs: number;
  readonly maxAttempts: number;
  readonly log: (line: string) => void;
  /** Runs after each firing: lets the change feed deliver what it produced before the next day. */
  readonly afterFire: () => Promise<void>;
}

/** What EventBridge would send; the Scheduler's LambdaInvoke sends its input, and functions read the clock. */
const scheduledEvent = (job: Job, at: Date): ScheduledEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  account: '000000000000',
  time: at.toISOString(),
  region: 'eu-west-3',
  resources: [`arn:aws:scheduler:eu-west-3:000000000000:schedule/default/local-${job.fn.declaration.name}`],
  detail: {},
});

export class Scheduler {
  private readonly jobs: Job[];
  private checkedUntil = new Date(0);
  private timer: NodeJS.Timeout | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private stopping = false;

  constructor(private readonly options: SchedulerOptions) {
    this.jobs = options.functions.flatMap((fn) => {
      const trigger = fn.declaration.trigger;
      return trigger.kind === 'schedule' ? [{ fn, cron: parseCron(trigger.cron), timeZone: trigger.timezone }] : [];
    });
  }

  private get file() {
    return join(this.options.stateDir, 'scheduler.json');
  }

  /**
   * Resumes from the last instant checked (what fell due while stopped fires now, once per day),
   * unless `fromNow`: a clock set by `--now` starts a new present, without catching up.
   */
  async start(fromNow = false): Promise<void> {
    const now = systemClock.now();
    const stored = fromNow ? undefined : await readJson<SchedulerState>(this.file);
    const storedAt = stored ? new Date(stored.checkedUntil) : undefined;
    // A clock set back restarts from now: schedules never fire backwards.
    this.checkedUntil = storedAt && storedAt.getTime() <= now.getTime() ? storedAt : now;
    await this.save();
    if (this.jobs.length === 0) return;
    this.timer = setInterval(() => void this.tick(), this.options.tickMs);
    this.timer.unref();
    await this.tick();
  }

  private save() {
    return writeJsonAtomic(this.file, { checkedUntil: this.checkedUntil.toISOString() } satisfies SchedulerState);
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Fires what became due up to the clock's present. */
  tick(): Promise<FiredSchedule[]> {
    return this.exclusive(() => this.fireUntil(systemClock.now()));
  }

  /** Moves the clock forward to `target` and fires, day by day, what became due in between. */
  moveClockTo(target: Date): Promise<FiredSchedule[]> {
    return this.exclusive(async () => {
      const fired = await this.fireUntil(target);
      setClockTo(target);
      return fired;
    });
  }

  private async fireUntil(until: Date): Promise<FiredSchedule[]> {
    if (this.stopping || until.getTime() <= this.checkedUntil.getTime()) return [];
    const due: { job: Job; at: Date }[] = [];
    for (const job of this.jobs) {
      // At most once per local day when time jumped: the last occurrence of each day.
      const byDay = new Map<string, Date>();
      for (const at of occurrencesBetween(job.cron, this.checkedUntil, until, job.timeZone)) byDay.set(localDay(at, job.timeZone), at);
      for (const at of byDay.values()) due.push({ job, at });
    }
    due.sort((a, b) => a.at.getTime() - b.at.getTime());
    const fired: FiredSchedule[] = [];
    const restoreOffset = clockOffsetMs();
    for (const { job, at } of due) {
      if (this.stopping) break;
      // The function sees its own day: the clock reads the occurrence while it runs.
      const jumped = Math.abs(at.getTime() - systemClock.now().getTime()) > 60_000;
      if (jumped) setClockTo(at);
      await this.fire(job, at);
      fired.push({ functionName: job.fn.declaration.name, at: at.toISOString() });
      this.checkedUntil = at;
      await this.save();
      await this.options.afterFire();
    }
    if (due.length > 0 && !this.stopping) {
      // Back to the clock as it was (moveClockTo then sets the target).
      setClockTo(new Date(Date.now() + restoreOffset));
    }
    if (!this.stopping) {
      this.checkedUntil = until;
      await this.save();
    }
    return fired;
  }

  private async fire(job: Job, at: Date): Promise<void> {
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt += 1) {
      try {
        // The invocation's own line (invocations.ts) says when, in Paris time, and how it went.
        await job.fn.invoke(scheduledEvent(job, at));
        return;
      } catch (error) {
        this.options.log(`✗ ${job.fn.declaration.name} at ${at.toISOString()}, attempt ${attempt}: ${(error as Error).message}`);
      }
    }
    await appendJsonLine(join(this.options.stateDir, 'dead-letters', `${job.fn.declaration.name}.jsonl`), {
      function: job.fn.declaration.name,
      at: at.toISOString(),
      event: 'schedule',
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopping = true;
    await this.tail;
  }

  /** Stops without waiting for a firing in flight (a crash): it was not recorded, so it fires again. */
  async abandon(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopping = true;
  }
}
