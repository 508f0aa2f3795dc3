package io.o2o.analytics.testing;

import com.influxdb.client.InfluxDBClientOptions;
import io.o2o.analytics.sink.influx.InfluxClientCustomizer;
import java.io.IOException;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Test-only client customizer that lets the production v2 client write into InfluxDB 1.6 (Debian's package),
 * which lacks the {@code /api/v2/write} alias that arrived in 1.8: it rewrites
 * {@code /api/v2/write?org=O&bucket=DB[/RP]&precision=P} into {@code /write?db=DB[&rp=RP]&precision=P}, with the
 * 1.x spelling of the precision ({@code ns} is {@code n}, {@code us} is {@code u}). Other requests pass unchanged.
 */
public final class InfluxV1WriteCompat implements InfluxClientCustomizer {

    private static final long serialVersionUID = 1L;

    @Override
    public void customize(OkHttpClient.Builder http, InfluxDBClientOptions.Builder options) {
        http.addInterceptor(new WritePathInterceptor());
    }

    /** Rewrites one URL; public for its own test. */
    public static HttpUrl rewrite(HttpUrl url) {
        String path = url.encodedPath();
        if (!path.endsWith("/api/v2/write")) {
            return url;
        }
        String prefix = path.substring(0, path.length() - "/api/v2/write".length());
        String bucket = url.queryParameter("bucket");
        if (bucket == null) {
            throw new IllegalArgumentException("a v2 write without a bucket: " + url);
        }
        HttpUrl.Builder v1 = url.newBuilder().encodedPath(prefix + "/write").query(null);
        int slash = bucket.indexOf('/');
        v1.addQueryParameter("db", slash < 0 ? bucket : bucket.substring(0, slash));
        if (slash >= 0 && slash < bucket.length() - 1) {
            v1.addQueryParameter("rp", bucket.substring(slash + 1));
        }
        String precision = url.queryParameter("precision");
        if (precision != null) {
            v1.addQueryParameter("precision", switch (precision) {
                case "ns" -> "n";
                case "us" -> "u";
                default -> precision;
            });
        }
        return v1.build();
    }

    private static final class WritePathInterceptor implements Interceptor {
        @Override
        public Response intercept(Chain chain) throws IOException {
            Request request = chain.request();
            HttpUrl rewritten = rewrite(request.url());
            if (rewritten == request.url()) {
                return chain.proceed(request);
            }
            return chain.proceed(request.newBuilder().url(rewritten).build());
        }
    }
}
