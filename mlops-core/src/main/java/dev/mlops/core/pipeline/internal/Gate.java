package dev.mlops.core.pipeline.internal;

import java.util.ArrayDeque;
import java.util.Queue;

/**
 * A counting gate that never blocks a thread: {@link #enter(Runnable)} runs the task now if a slot is
 * free, or queues it until {@link #leave()} frees one (first come, first served).
 */
public final class Gate {
    private final int size;
    private final Queue<Runnable> waiting = new ArrayDeque<>();
    private int inside;

    public Gate(int size) {
        this.size = size;
    }

    public int size() {
        return size;
    }

    public void enter(Runnable task) {
        synchronized (this) {
            if (inside >= size) {
                waiting.add(task);
                return;
            }
            inside++;
        }
        task.run();
    }

    public void leave() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                inside--;
                return;
            }
        }
        next.run();
    }
}
