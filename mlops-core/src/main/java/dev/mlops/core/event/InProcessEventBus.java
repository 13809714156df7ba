package dev.mlops.core.event;

import dev.mlops.api.Checks;
import dev.mlops.api.MlopsException;
import dev.mlops.api.Name;
import dev.mlops.api.OverloadedException;
import dev.mlops.api.event.Event;
import dev.mlops.api.event.EventBus;
import dev.mlops.api.event.EventListener;
import dev.mlops.api.event.Subscription;
import dev.mlops.api.event.TypePattern;
import dev.mlops.core.platform.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link EventBus}: delivers events inside one JVM, asynchronously, on a fixed pool of
 * daemon threads.
 *
 * <p>Each subscription has its own bounded queue and receives its events in publication order, one
 * at a time, so a slow or failing listener never holds up or breaks another. A publish that would
 * overflow any matching subscription's queue is refused whole with an {@link OverloadedException}:
 * no subscriber gets the event. A listener's exception is logged and counted
 * ({@link MetricNames#EVENT_FAILED}). {@link #close()} refuses new events and drains the queued ones
 * within the drain timeout.
 *
 * <pre>{@code
 * try (InProcessEventBus bus = InProcessEventBus.builder().threads(2).queueCapacity(10_000).build()) {
 *     bus.subscribe("dev.mlops.model.**", e -> System.out.println(e.type()));
 *     bus.publish(Event.builder(EventTypes.MODEL_VERSION_CREATED).source("/registry").build());
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class InProcessEventBus implements EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessEventBus.class);
    private static final int BATCH = 64;
    private static final ThreadLocal<InProcessEventBus> DELIVERING = new ThreadLocal<>();

    private final String name;
    private final int queueCapacity;
    private final Duration drainTimeout;
    private final MeterRegistry meters;
    private final ExecutorService executor;
    private final List<Mailbox> mailboxes = new CopyOnWriteArrayList<>();
    private final Object publishLock = new Object();
    private final AtomicLong pending = new AtomicLong();
    private final Map<String, Map<String, Counter>> counters = new ConcurrentHashMap<>();
    private final Counter dropped;
    private volatile boolean closed;

    private InProcessEventBus(Builder b) {
        this.name = b.name;
        this.queueCapacity = b.queueCapacity;
        this.drainTimeout = b.drainTimeout;
        this.meters = b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry();
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(b.threads, task -> {
            Thread thread = new Thread(task, "mlops-events-" + name + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.dropped = Counter.builder(MetricNames.EVENT_DROPPED).tag(MetricNames.TAG_BUS, name)
                .description("Events dropped undelivered").register(meters);
        Gauge.builder(MetricNames.EVENT_PENDING, pending, AtomicLong::get).tag(MetricNames.TAG_BUS, name)
                .description("Events queued and not yet handled").register(meters);
        Gauge.builder(MetricNames.EVENT_SUBSCRIPTIONS, mailboxes, List::size).tag(MetricNames.TAG_BUS, name)
                .description("Active subscriptions").register(meters);
    }

    /**
     * Returns a bus with the default settings: 2 threads, 10,000 events per subscription queue, a
     * 10-second drain timeout and a private meter registry.
     *
     * @return a running bus
     */
    public static InProcessEventBus create() {
        return builder().build();
    }

    /**
     * Starts a bus with settings of its own.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void publish(Event event) {
        Checks.notNull("event", event);
        synchronized (publishLock) {
            if (closed) {
                throw new MlopsException("event bus '" + name + "' is closed; event " + event.type()
                        + " " + event.id() + " was not published");
            }
            List<Mailbox> targets = new ArrayList<>();
            for (Mailbox mailbox : mailboxes) {
                if (mailbox.pattern.matches(event.type())) {
                    if (mailbox.queue.size() >= queueCapacity) {
                        counter(MetricNames.EVENT_REJECTED, event.type()).increment();
                        throw new OverloadedException("event queue of subscription '" + mailbox.pattern
                                + "' on bus '" + name + "' is full (" + queueCapacity + " events); event "
                                + event.type() + " " + event.id() + " was not published");
                    }
                    targets.add(mailbox);
                }
            }
            for (Mailbox mailbox : targets) {
                mailbox.enqueue(event);
            }
            counter(MetricNames.EVENT_PUBLISHED, event.type()).increment();
        }
    }

    @Override
    public Subscription subscribe(String typePattern, EventListener listener) {
        TypePattern pattern = TypePattern.of(typePattern);
        Checks.notNull("listener", listener);
        synchronized (publishLock) {
            if (closed) {
                throw new MlopsException("event bus '" + name + "' is closed; cannot subscribe to '" + pattern + "'");
            }
            Mailbox mailbox = new Mailbox(pattern, listener);
            mailboxes.add(mailbox);
            return mailbox;
        }
    }

    @Override
    public boolean hasSubscribers(String type) {
        for (Mailbox mailbox : mailboxes) {
            if (mailbox.pattern.matches(type)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The number of events accepted and not yet handled, over all subscriptions.
     *
     * @return the count
     */
    public long pending() {
        return pending.get();
    }

    @Override
    public void close() {
        synchronized (publishLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (DELIVERING.get() != this) {
            awaitDrained();
        }
        for (Mailbox mailbox : mailboxes) {
            mailbox.unsubscribe();
        }
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Event bus '{}': listener threads still running after close", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitDrained() {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        synchronized (pending) {
            while (pending.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("Event bus '{}': {} events left undelivered after the drain timeout of {}",
                            name, pending.get(), drainTimeout);
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(pending, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void handled(long count) {
        if (pending.addAndGet(-count) == 0) {
            synchronized (pending) {
                pending.notifyAll();
            }
        }
    }

    private Counter counter(String metric, String type) {
        return counters.computeIfAbsent(metric, m -> new ConcurrentHashMap<>()).computeIfAbsent(type, t -> Counter
                .builder(metric).tag(MetricNames.TAG_BUS, name).tag(MetricNames.TAG_TYPE, t).register(meters));
    }

    /** One subscription: its own bounded queue, drained by at most one pool thread at a time. */
    private final class Mailbox implements Subscription {
        final TypePattern pattern;
        final EventListener listener;
        final Queue<Event> queue = new LinkedBlockingQueue<>(queueCapacity);
        final AtomicBoolean scheduled = new AtomicBoolean();
        volatile boolean active = true;

        Mailbox(TypePattern pattern, EventListener listener) {
            this.pattern = pattern;
            this.listener = listener;
        }

        void enqueue(Event event) {
            queue.add(event);
            pending.incrementAndGet();
            schedule();
        }

        void schedule() {
            if (scheduled.compareAndSet(false, true)) {
                try {
                    executor.execute(this::drain);
                } catch (RejectedExecutionException e) {
                    scheduled.set(false);
                }
            }
        }

        void drain() {
            DELIVERING.set(InProcessEventBus.this);
            try {
                for (int i = 0; i < BATCH; i++) {
                    Event event = queue.poll();
                    if (event == null) {
                        break;
                    }
                    deliver(event);
                }
            } finally {
                DELIVERING.remove();
                scheduled.set(false);
            }
            if (!queue.isEmpty()) {
                schedule();
            }
        }

        private void deliver(Event event) {
            try {
                if (!active) {
                    dropped.increment();
                    return;
                }
                listener.onEvent(event);
                counter(MetricNames.EVENT_DELIVERED, event.type()).increment();
            } catch (Throwable failure) {
                Counter.builder(MetricNames.EVENT_FAILED).tag(MetricNames.TAG_BUS, name)
                        .tag(MetricNames.TAG_TYPE, event.type())
                        .tag(MetricNames.TAG_EXCEPTION, failure.getClass().getSimpleName())
                        .register(meters).increment();
                LOG.warn("Event bus '{}': listener of '{}' failed on {} {}", name, pattern, event.type(),
                        event.id(), failure);
            } finally {
                handled(1);
            }
        }

        @Override
        public TypePattern pattern() {
            return pattern;
        }

        @Override
        public boolean active() {
            return active;
        }

        @Override
        public void unsubscribe() {
            if (!active) {
                return;
            }
            active = false;
            mailboxes.remove(this);
            int left = 0;
            while (queue.poll() != null) {
                left++;
            }
            if (left > 0) {
                dropped.increment(left);
                handled(left);
            }
        }
    }

    /**
     * Builds an {@link InProcessEventBus}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String name = "in-process";
        private int threads = 2;
        private int queueCapacity = 10_000;
        private Duration drainTimeout = Duration.ofSeconds(10);
        private MeterRegistry meterRegistry;

        private Builder() {
        }

        /**
         * Names the bus in thread names, metric tags and messages.
         *
         * @param name a valid {@link Name}; default {@code in-process}
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Name.check("eventBus.name", name);
            return this;
        }

        /**
         * Sets the number of delivery threads.
         *
         * @param threads between 1 and 256; default 2
         * @return this builder
         */
        public Builder threads(int threads) {
            this.threads = Checks.inRange("eventBus.threads", threads, 1, 256);
            return this;
        }

        /**
         * Sets how many undelivered events each subscription may hold before publishes are refused.
         *
         * @param capacity between 1 and 10,000,000; default 10,000
         * @return this builder
         */
        public Builder queueCapacity(int capacity) {
            this.queueCapacity = Checks.inRange("eventBus.queueCapacity", capacity, 1, 10_000_000);
            return this;
        }

        /**
         * Sets how long {@link #close()} waits for queued events to be delivered.
         *
         * @param timeout a positive duration; default 10 seconds
         * @return this builder
         */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = Checks.positive("eventBus.drainTimeout", timeout);
            return this;
        }

        /**
         * Sets the registry the bus records its metrics in.
         *
         * @param registry the registry; default a private {@link SimpleMeterRegistry}
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Checks.notNull("eventBus.meterRegistry", registry);
            return this;
        }

        /**
         * Starts the bus.
         *
         * @return a running bus
         */
        public InProcessEventBus build() {
            return new InProcessEventBus(this);
        }
    }
}
