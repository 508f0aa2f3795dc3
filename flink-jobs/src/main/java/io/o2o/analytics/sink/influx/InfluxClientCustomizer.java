package io.o2o.analytics.sink.influx;

import com.influxdb.client.InfluxDBClientOptions;
import java.io.Serializable;
import okhttp3.OkHttpClient;

/**
 * A serializable hook that adjusts the InfluxDB client before the writer creates it on the task manager: add an
 * OkHttp interceptor, a proxy, TLS settings, default tags. Production jobs normally need none; the integration
 * tests use one to talk to an InfluxDB 1.6 server (see {@code io.o2o.analytics.testing.InfluxTestServer}).
 *
 * <p>{@code http} is already set as the options' HTTP client, with the sink's request timeout.
 */
@FunctionalInterface
public interface InfluxClientCustomizer extends Serializable {

    void customize(OkHttpClient.Builder http, InfluxDBClientOptions.Builder options);
}
