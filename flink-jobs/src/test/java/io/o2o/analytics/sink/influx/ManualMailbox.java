package io.o2o.analytics.sink.influx;

import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.util.function.ThrowingRunnable;

/**
 * The task's mailbox for a writer under test, in the test's thread. {@link #yield()} does what the task would
 * while the writer waits: it runs the next mail or, with none, lets the write thread take its next step. When
 * neither can happen the writer would wait forever, and the test fails.
 */
final class ManualMailbox implements MailboxExecutor {

    private final Deque<ThrowingRunnable<? extends Exception>> mails = new ArrayDeque<>();
    private final ManualWriteExecutor writes;
    int yields;

    ManualMailbox(ManualWriteExecutor writes) {
        this.writes = writes;
    }

    @Override
    public void execute(MailOptions options, ThrowingRunnable<? extends Exception> command, String description,
            Object... args) {
        mails.add(command);
    }

    @Override
    public void yield() throws InterruptedException {
        yields++;
        if (!step()) {
            throw new IllegalStateException("the writer waits, but no mail and no write can come");
        }
    }

    @Override
    public boolean tryYield() {
        return !mails.isEmpty() && step();
    }

    @Override
    public boolean shouldInterrupt() {
        return false;
    }

    /** Lets the write thread and the mailbox run until neither has anything left (the task idles). */
    void settle() throws Exception {
        while (step()) {
            // keep going
        }
    }

    int pendingMails() {
        return mails.size();
    }

    private boolean step() {
        if (!mails.isEmpty()) {
            ThrowingRunnable<? extends Exception> mail = mails.poll();
            try {
                mail.run();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new MailFailed(e);
            }
            return true;
        }
        return writes.runNext();
    }

    /** A mail threw: in a task, this fails the task. */
    static final class MailFailed extends RuntimeException {
        MailFailed(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }
}
