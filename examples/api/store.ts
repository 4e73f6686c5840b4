/**
 * The tasks the JSON API example serves, kept in memory: each with a
 * version that grows on every change, which is what its ETag names.
 */

/** A task as stored and as the API shows it. */
export interface Task {
  id: number;
  title: string;
  done: boolean;
  /** An ISO date (`2026-12-24`), or null when the task has none. */
  due: string | null;
  created: string;
  updated: string;
  version: number;
}

/** What a client sends to create or replace a task. */
export interface TaskInput {
  title: string;
  done: boolean;
  due: string | null;
}

/** One page of the list, and where the next one starts. */
export interface TaskPage {
  items: Task[];
  /** The cursor of the next page, or null on the last one. */
  next: number | null;
}

/** An in-memory collection of tasks, ordered by id. */
export class TaskStore {
  readonly #tasks = new Map<number, Task>();
  #lastId = 0;
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  /** Up to `limit` tasks with ids above `after`, in id order, optionally only those done or not. */
  list(limit: number, after = 0, done?: boolean): TaskPage {
    const items: Task[] = [];
    for (const task of this.#tasks.values()) {
      if (task.id <= after || (done !== undefined && task.done !== done)) continue;
      if (items.length === limit) return { items, next: (items.at(-1) as Task).id };
      items.push(task);
    }
    return { items, next: null };
  }

  get(id: number): Task | undefined {
    return this.#tasks.get(id);
  }

  create(input: TaskInput): Task {
    const stamp = this.#now().toISOString();
    this.#lastId += 1;
    const task: Task = { id: this.#lastId, ...input, created: stamp, updated: stamp, version: 1 };
    this.#tasks.set(task.id, task);
    return task;
  }

  /** Replaces a task's fields, or returns undefined when there is none. */
  update(id: number, changes: Partial<TaskInput>): Task | undefined {
    const current = this.#tasks.get(id);
    if (current === undefined) return undefined;
    const task: Task = { ...current, ...changes, updated: this.#now().toISOString(), version: current.version + 1 };
    this.#tasks.set(id, task);
    return task;
  }

  delete(id: number): boolean {
    return this.#tasks.delete(id);
  }
}

/** A task's entity tag: strong, since the JSON of one version never changes. */
export function etagOf(task: Task): string {
  return `"${task.id}-${task.version}"`;
}
