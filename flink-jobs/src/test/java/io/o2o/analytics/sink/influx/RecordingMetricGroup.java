package io.o2o.analytics.sink.influx;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.OperatorIOMetricGroup;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/** A sink writer metric group that keeps what is registered, so tests can read counters and gauges by name. */
final class RecordingMetricGroup extends UnregisteredMetricsGroup implements SinkWriterMetricGroup {

    final Map<String, Counter> counters = new HashMap<>();
    final Map<String, Gauge<?>> gauges = new HashMap<>();
    final Counter recordsSend = new SimpleCounter();
    final Counter bytesSend = new SimpleCounter();
    Gauge<Long> currentSendTime;

    @Override
    public Counter counter(String name) {
        return counter(name, new SimpleCounter());
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
        counters.put(name, counter);
        return counter;
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
        gauges.put(name, gauge);
        return gauge;
    }

    long count(String name) {
        Counter counter = counters.get(name);
        if (counter == null) {
            throw new AssertionError("no counter " + name + " in " + counters.keySet());
        }
        return counter.getCount();
    }

    Object gaugeValue(String name) {
        Gauge<?> gauge = gauges.get(name);
        if (gauge == null) {
            throw new AssertionError("no gauge " + name + " in " + gauges.keySet());
        }
        return gauge.getValue();
    }

    @Override
    public OperatorIOMetricGroup getIOMetricGroup() {
        return UnregisteredMetricsGroup.createOperatorIOMetricGroup();
    }

    @Override
    public Counter getNumRecordsOutErrorsCounter() {
        return new SimpleCounter();
    }

    @Override
    public Counter getNumRecordsSendErrorsCounter() {
        return new SimpleCounter();
    }

    @Override
    public Counter getNumRecordsSendCounter() {
        return recordsSend;
    }

    @Override
    public Counter getNumBytesSendCounter() {
        return bytesSend;
    }

    @Override
    public void setCurrentSendTimeGauge(Gauge<Long> gauge) {
        this.currentSendTime = gauge;
    }
}
