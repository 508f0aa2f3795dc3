package io.o2o.analytics.testing;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** The test-only mapping of the v2 write path onto InfluxDB 1.x. */
class InfluxV1WriteCompatTest {

    @Test
    void mapsTheV2WriteOntoTheV1Write() {
        assertThat(InfluxV1WriteCompat.rewrite(HttpUrl.get(
                        "http://127.0.0.1:18086/api/v2/write?org=o2o&bucket=store_ops&precision=ms")))
                .hasToString("http://127.0.0.1:18086/write?db=store_ops&precision=ms");
    }

    @Test
    void spellsNanosecondsTheV1WayAndSplitsARetentionPolicy() {
        assertThat(InfluxV1WriteCompat.rewrite(HttpUrl.get(
                        "http://influx/api/v2/write?org=o2o&bucket=ops%2Fweek&precision=ns")))
                .hasToString("http://influx/write?db=ops&rp=week&precision=n");
    }

    @Test
    void leavesOtherRequestsAlone() {
        HttpUrl ping = HttpUrl.get("http://influx/ping");
        assertThat(InfluxV1WriteCompat.rewrite(ping)).isSameAs(ping);
    }
}
