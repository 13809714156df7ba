package dev.mlops.kafka;

import dev.mlops.api.MlopsException;
import java.util.concurrent.TimeUnit;

/** The thread of a consumer loop: started once, asked to stop by a flag the loop checks after each poll. */
final class LoopThread {
    private final Thread thread;
    private volatile boolean running;

    LoopThread(String name, Runnable loop) {
        this.thread = new Thread(loop, name);
        thread.setDaemon(true);
    }

    /** Starts the loop; a second start is refused. */
    void start(String what) {
        synchronized (thread) {
            if (running || thread.isAlive()) {
                throw new MlopsException(what + " is already started");
            }
            running = true;
            thread.start();
        }
    }

    /** Whether the loop should go on. */
    boolean running() {
        return running;
    }

    /** Asks the loop to stop, from the loop itself. */
    void halt() {
        running = false;
    }

    /** Asks the loop to stop and waits for it to finish its batch (2 minutes at most). */
    void stop() {
        if (running) {
            running = false;       // the loop sees it within one poll (100 ms) and finishes its batch
            try {
                thread.join(TimeUnit.MINUTES.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
